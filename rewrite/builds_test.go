package rewrite

import (
	"os"
	"path/filepath"
	"testing"
)

// TestBuiltWithout compares the builds of two files of one directory: the
// first build found that compiles a but not b, or "" when b is in every
// build of a.
func TestBuiltWithout(t *testing.T) {
	const pkg = "package p\n"
	for _, tc := range []struct {
		name    string
		a, aSrc string
		b, bSrc string
		want    string
	}{
		{name: "b everywhere", a: "a.go", aSrc: pkg, b: "b.go", bSrc: pkg},
		{name: "a everywhere, b unix", a: "a.go", aSrc: pkg, b: "b.go", bSrc: "//go:build unix\n\n" + pkg, want: "windows/amd64"},
		{name: "unix implies not plan9", a: "a.go", aSrc: "//go:build unix\n\n" + pkg, b: "b.go", bSrc: "//go:build !plan9\n\n" + pkg},
		{name: "suffix", a: "a_linux.go", aSrc: pkg, b: "b.go", bSrc: "//go:build linux || darwin\n\n" + pkg},
		{name: "suffix not implied", a: "a.go", aSrc: "//go:build linux || darwin\n\n" + pkg, b: "b_linux.go", bSrc: pkg, want: "darwin/arm64"},
		{name: "unix is no suffix", a: "a.go", aSrc: pkg, b: "b_unix.go", bSrc: pkg},
		{name: "custom tag", a: "a.go", aSrc: pkg, b: "b.go", bSrc: "//go:build !integration\n\n" + pkg, want: "linux/amd64 with tags integration"},
		{name: "same custom tag", a: "a.go", aSrc: "//go:build integration\n\n" + pkg, b: "b.go", bSrc: "//go:build integration\n\n" + pkg},
		{name: "cgo", a: "a.go", aSrc: pkg, b: "b.go", bSrc: "package p\n\nimport \"C\"\n", want: "linux/amd64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			a, b := filepath.Join(dir, tc.a), filepath.Join(dir, tc.b)
			for name, src := range map[string]string{a: tc.aSrc, b: tc.bSrc} {
				if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := builtWithout(a, b)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("builtWithout(%s, %s) = %q, want %q", tc.a, tc.b, got, tc.want)
			}
		})
	}
}
