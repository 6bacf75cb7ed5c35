package rewrite

import (
	"fmt"
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
// mostly in tests, so a run over it checks robustness and converts
// nothing: on std the type-check has no change to check.
// TestRewriteExampleTypeChecks makes checkResultTypes see real changes,
// and TestRewriteWriteBuilds in cmd/migrate writes the rewrite of a
// module of every worker shape and builds and vets it. The test takes all
// of std, about ten seconds on two cores, or stdRewriteSample under
// -short or -race (see stdPatterns).
func TestRewriteStd(t *testing.T) {
	patterns := stdPatterns(t, stdRewriteSample)
	res, err := Run(Config{Dir: ".", Patterns: patterns})
	if err != nil {
		t.Fatalf("rewrite %s: %v", strings.Join(patterns, " "), err)
	}
	c := countResult(t, patterns, res)
	t.Logf("packages loaded %d, sites found %d, sites converted %d, files changed %d", c.packages, c.sites, c.converted, c.files)
	for _, s := range res.Sites {
		t.Logf("%s: role %q: %s: %s", s.Pos, s.Role, goldenLevel(s.Level), s.Reason)
	}
	if err := checkResultTypes(".", res); err != nil {
		t.Error(err)
	}
}

// stdRewriteSample is a few standard packages for TestRewriteStd: os/exec,
// whose tests spawn workers, the packages those tests use, and cgo.
var stdRewriteSample = []string{"os/exec", "os", "encoding/json", "flag", "log", "os/user"}

// TestRewriteExampleTypeChecks runs the check of TestRewriteStd on the
// shipped example, which the rewriter does change, so that the check is
// seen to type-check something and to catch a change that breaks it.
func TestRewriteExampleTypeChecks(t *testing.T) {
	dir := copyTree(t, filepath.Join("..", "testdata", "agentswarm"))
	res, err := Run(Config{Dir: dir, Patterns: []string{"./..."}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) == 0 {
		t.Fatal("the example is not changed")
	}
	if err := checkResultTypes(dir, res); err != nil {
		t.Fatal(err)
	}

	// A change that does not type-check is caught, at its place.
	broken := *res
	broken.Files = append([]File(nil), res.Files...)
	for i, f := range broken.Files {
		if filepath.Base(f.Path) == runtimeFile {
			f.New = append(append([]byte(nil), f.New...), "\nvar _ int = \"not an int\"\n"...)
			broken.Files[i] = f
		}
	}
	err = checkResultTypes(dir, &broken)
	if err == nil || !strings.Contains(err.Error(), runtimeFile) {
		t.Fatalf("checking a broken result: error = %v, want one in %s", err, runtimeFile)
	}
}

// resultCounts is what TestRewriteStd records of a run.
type resultCounts struct {
	packages, sites, converted, files int
}

func countResult(t *testing.T, patterns []string, res *Result) resultCounts {
	t.Helper()
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName, Dir: "."}, patterns...)
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
// written, and returns the errors of the packages, or nil.
func checkResultTypes(dir string, res *Result) error {
	if len(res.Files) == 0 {
		return nil
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
		return fmt.Errorf("load rewritten packages: %v", err)
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
		return fmt.Errorf("no package of %s was type-checked", strings.Join(patterns, " "))
	}
	if len(errs) > 0 {
		return fmt.Errorf("rewritten packages do not type-check:\n%s", strings.Join(errs, "\n"))
	}
	return nil
}
