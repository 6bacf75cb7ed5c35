package analyzerdoc

import "testing"

const src = `// Package x does things.
//
// # Analyzer first
//
// first: report the first thing
//
// More about it.
//
//	code sample
//
// # Analyzer second
//
// second: report the second thing
package x
`

func TestSection(t *testing.T) {
	tests := []struct {
		name, want, err string
	}{
		{"first", "report the first thing\n\nMore about it.\n\n\tcode sample", ""},
		{"second", "report the second thing", ""},
		{"third", "", `package comment has no "# Analyzer third" section`},
	}
	for _, tt := range tests {
		got, err := Section(src, tt.name)
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
			t.Errorf("Section(%q) = %q, %v; want %q, %q", tt.name, got, err, tt.want, tt.err)
		}
	}
}

func TestSectionErrors(t *testing.T) {
	for _, src := range []string{
		"package x\n",
		"// # Analyzer first\n//\n// summary without name\npackage x\n",
		"not go",
	} {
		if _, err := Section(src, "first"); err == nil {
			t.Errorf("Section(%q) succeeded, want an error", src)
		}
	}
}

func TestMustSectionPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustSection did not panic")
		}
	}()
	MustSection("package x\n", "first")
}
