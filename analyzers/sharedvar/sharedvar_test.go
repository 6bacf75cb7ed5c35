package sharedvar_test

import (
	"fmt"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/procmigrate/procmigrate/analyzers/sharedvar"
)

func TestShapes(t *testing.T) {
	dir := filepath.Join(analysistest.TestData(), "race")
	results := analysistest.RunWithSuggestedFixes(t, dir, sharedvar.Analyzer, "./...")
	checkRelated(t, results)
}

// TestPatterns runs on GOPATH fixtures: suppression, errgroup, handlers
// and timers, a package without concurrency, a file without a Go
// version, patterns reduced from the standard library that must stay
// unreported, and a race the analyzer is known to miss.
func TestPatterns(t *testing.T) {
	results := analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), sharedvar.Analyzer,
		"nolint", "errgroup", "handlers", "quiet", "versionless", "oldloop", "safe", "classes", "lockorder")
	checkRelated(t, results)
}

// relatedComment is an expectation of related information, written on the
// line the information points at, before any want comment, as one or more
// back-quoted patterns:
//
//	hits++ // related `hits is written here by another run` // want `...`
//
// analysistest checks only the messages of diagnostics, so the test
// checks their related information itself.
var relatedComment = regexp.MustCompile("// related((?: `[^`]*`)+)")

// checkRelated checks that each diagnostic of the results has one piece
// of related information, the second access, which names the variable
// the diagnostic names and matches a pattern of a related comment on its
// line; and that every pattern is matched once.
func checkRelated(t *testing.T, results []*analysistest.Result) {
	t.Helper()
	type line struct {
		file string
		line int
	}
	for _, r := range results {
		if r.Pass == nil {
			continue // failed to load; analysistest said why
		}

		// Read the expectations.
		fset := r.Pass.Fset
		want := make(map[line][]*regexp.Regexp)
		for _, f := range r.Pass.Files {
			for _, g := range f.Comments {
				for _, c := range g.List {
					m := relatedComment.FindStringSubmatch(c.Text)
					if m == nil {
						continue
					}
					posn := fset.Position(c.Pos())
					key := line{posn.Filename, posn.Line}
					for p := range strings.SplitSeq(strings.TrimSpace(m[1]), "` `") {
						want[key] = append(want[key], regexp.MustCompile("^"+strings.Trim(p, "`")+"$"))
					}
				}
			}
		}

		// Match the related information against them.
		for _, d := range r.Diagnostics {
			if len(d.Related) != 1 {
				t.Errorf("%s: %d pieces of related information, want 1: %s", short(fset, d.Pos), len(d.Related), d.Message)
				continue
			}
			rel := d.Related[0]
			name, _, _ := strings.Cut(d.Message, " is ")
			relName, _, _ := strings.Cut(rel.Message, " is ")
			if relName != name && !strings.HasPrefix(name, relName+".") {
				t.Errorf("%s: related information names %q, the diagnostic %q", short(fset, rel.Pos), relName, name)
			}
			if !rel.Pos.IsValid() || rel.End < rel.Pos {
				t.Errorf("%s: related information without a range: %s", short(fset, d.Pos), rel.Message)
				continue
			}
			posn := fset.Position(rel.Pos)
			key := line{posn.Filename, posn.Line}
			if i := matchIndex(want[key], rel.Message); i >= 0 {
				want[key] = append(want[key][:i], want[key][i+1:]...)
				continue
			}
			t.Errorf("%s: unexpected related information: %s", short(fset, rel.Pos), rel.Message)
		}
		for key, res := range want {
			for _, re := range res {
				t.Errorf("%s:%d: no related information matching %s", key.file, key.line, re)
			}
		}
	}
}

func matchIndex(res []*regexp.Regexp, s string) int {
	for i, re := range res {
		if re.MatchString(s) {
			return i
		}
	}
	return -1
}

func short(fset *token.FileSet, pos token.Pos) string {
	p := fset.Position(pos)
	return fmt.Sprintf("%s:%d", p.Filename, p.Line)
}
