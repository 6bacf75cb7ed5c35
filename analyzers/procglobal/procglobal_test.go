package procglobal_test

import (
	"fmt"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/procmigrate/procmigrate/analyzers/procglobal"
)

func Test(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), procglobal.Analyzer,
		"exit", "cwd", "env", "stdio", "flags", "signals", "creds", "thread", "runtimecfg", "registry",
		"agentswarm", "multirole", "nolint", "orchestrator", "noworker", "helperproc")
	checkRelated(t, results)
}

// TestFacts runs on a module whose worker calls into a package of the
// module and a package of another module, through facts.
func TestFacts(t *testing.T) {
	dir := filepath.Join(analysistest.TestData(), "mod")
	analysistest.Run(t, dir, procglobal.Analyzer, "example.com/app/...")
}

// relatedComment is an expectation of related information, written on the
// line the information points at, as one or more back-quoted patterns:
//
//	data, err := os.ReadFile("in.json") // related `relative path "in\.json"`
//
// analysistest checks only the messages of diagnostics, so the test
// checks their related information itself.
var relatedComment = regexp.MustCompile("// related((?: `[^`]*`)+)")

// checkRelated checks that each piece of related information of the
// results matches a pattern of a related comment on its line, and that
// every pattern is matched once.
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
						want[key] = append(want[key], regexp.MustCompile(strings.Trim(p, "`")))
					}
				}
			}
		}

		// Match the related information against them.
		for _, d := range r.Diagnostics {
			for _, rel := range d.Related {
				posn := fset.Position(rel.Pos)
				key := line{posn.Filename, posn.Line}
				if i := matchIndex(want[key], rel.Message); i >= 0 {
					want[key] = append(want[key][:i], want[key][i+1:]...)
					continue
				}
				t.Errorf("%s: unexpected related information: %s", short(fset, rel.Pos), rel.Message)
			}
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
