package rewrite

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestRewriteStd runs the rewriter over standard packages as
// `migrate rewrite std` does without --write: it must not panic or fail,
// and every package it would change must still type-check, tests
// included, once the change is made. The check is checkResultTypes, which
// applies the result as an overlay of the go command and type-checks the
// changed packages through go/packages, apart from the rewriter's own
// check in verify.go.
//
// The standard library spawns few workers that re-execute it, and those
// mostly in tests, so a run over it checks robustness and, as it stands,
// converts nothing: on std the type-check has no change to check, and the
// test logs that it checked none. TestRewriteExamplesTypeCheck runs the
// same check on programs the rewriter does change, and fails when it
// checks nothing. The test takes all of std, about ten seconds on two
// cores, unless -short or -race are given, when it takes stdRewriteSample
// (see stdPatterns).
func TestRewriteStd(t *testing.T) {
	patterns := stdPatterns(t, stdRewriteSample)
	res, err := Run(Config{Dir: ".", Patterns: patterns})
	if err != nil {
		t.Fatalf("rewrite %s: %v", strings.Join(patterns, " "), err)
	}
	c := countResult(t, ".", patterns, res)
	for _, s := range res.Sites {
		t.Logf("%s: role %q: %s: %s", s.Pos, s.Role, goldenLevel(s.Level), s.Reason)
	}
	checked, err := checkResultTypes(".", res)
	if err != nil {
		t.Error(err)
	}
	t.Logf("packages loaded %d, sites found %d, sites converted %d, files changed %d, packages type-checked after the change %d",
		c.packages, c.sites, c.converted, c.files, checked)
}

// stdRewriteSample is a few standard packages for TestRewriteStd: os/exec,
// whose tests spawn workers, the packages those tests use, and cgo.
var stdRewriteSample = []string{"os/exec", "os", "encoding/json", "flag", "log", "os/user"}

// TestRewriteExamplesTypeCheck runs the check of TestRewriteStd on the
// shipped examples, which the rewriter does change: each must convert a
// site and change files, and the changed packages must be type-checked
// and pass, so that the check is seen to check something. A change that
// does not type-check is caught, at its place.
func TestRewriteExamplesTypeCheck(t *testing.T) {
	for _, name := range []string{"agentswarm", "digest", "cgoworker"} {
		t.Run(name, func(t *testing.T) {
			if name == "cgoworker" {
				if _, err := exec.LookPath("gcc"); err != nil {
					t.Skip("needs a C compiler for cgo")
				}
			}
			dir := copyTree(t, filepath.Join("..", "testdata", name))
			res, err := Run(Config{Dir: dir, Patterns: []string{"./..."}})
			if err != nil {
				t.Fatal(err)
			}
			c := countResult(t, dir, []string{"./..."}, res)
			checked, err := checkResultTypes(dir, res)
			t.Logf("packages loaded %d, sites found %d, sites converted %d, files changed %d, packages type-checked after the change %d",
				c.packages, c.sites, c.converted, c.files, checked)
			if err != nil {
				t.Fatal(err)
			}
			if c.converted == 0 || c.files == 0 || checked == 0 {
				t.Fatalf("the example is not changed, or its change not checked")
			}

			// Break the runtime's copy: the check must name it.
			broken := *res
			broken.Files = append([]File(nil), res.Files...)
			for i, f := range broken.Files {
				if filepath.Base(f.Path) == runtimeFile {
					f.New = append(append([]byte(nil), f.New...), "\nvar _ int = \"not an int\"\n"...)
					broken.Files[i] = f
				}
			}
			if _, err := checkResultTypes(dir, &broken); err == nil || !strings.Contains(err.Error(), runtimeFile) {
				t.Fatalf("checking a broken result: error = %v, want one in %s", err, runtimeFile)
			}
		})
	}
}

// resultCounts is what TestRewriteStd records of a run.
type resultCounts struct {
	packages, sites, converted, files int
}

func countResult(t *testing.T, dir string, patterns []string, res *Result) resultCounts {
	t.Helper()
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName, Dir: dir}, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	c := resultCounts{packages: len(pkgs), sites: len(res.Sites), files: len(res.Files)}
	for _, s := range res.Sites {
		if s.Level > Unchanged {
			c.converted++
		}
	}
	return c
}

// checkResultTypes type-checks, tests included, every package in which
// res changes or adds a file, with the files as res would leave them. It
// hands the new contents to the go command as an overlay, so nothing is
// written, and returns how many packages it checked and their errors, or
// nil.
func checkResultTypes(dir string, res *Result) (int, error) {
	if len(res.Files) == 0 {
		return 0, nil
	}
	overlay := map[string][]byte{}
	dirs := map[string]bool{}
	for _, f := range res.Files {
		overlay[f.Path] = f.New
		dirs[filepath.Dir(f.Path)] = true
	}
	var patterns []string
	for d := range dirs {
		patterns = append(patterns, d)
	}
	sort.Strings(patterns)
	cfg := &packages.Config{
		Mode:    packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo,
		Dir:     dir,
		Tests:   true,
		Overlay: overlay,
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return 0, fmt.Errorf("load rewritten packages: %v", err)
	}
	var errs []string
	checked := 0
	for _, p := range pkgs {
		if strings.HasSuffix(p.ID, ".test") {
			continue // the generated test main
		}
		checked++
		for _, e := range p.Errors {
			errs = append(errs, fmt.Sprintf("%s: %s", p.ID, e))
		}
	}
	if checked == 0 {
		return 0, fmt.Errorf("no package of %s was type-checked", strings.Join(patterns, " "))
	}
	if len(errs) > 0 {
		return checked, fmt.Errorf("rewritten packages do not type-check:\n%s", strings.Join(errs, "\n"))
	}
	return checked, nil
}
