package suite_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/procmigrate/procmigrate/analyzers/suite"
)

func TestAllIsFresh(t *testing.T) {
	first := suite.All()
	if len(first) == 0 {
		t.Fatal("All() is empty")
	}
	names := make(map[string]bool)
	for _, a := range first {
		if names[a.Name] {
			t.Errorf("All() lists %s twice", a.Name)
		}
		names[a.Name] = true
	}
	want := first[0]
	first[0] = nil
	if got := suite.All()[0]; got != want {
		t.Errorf("All()[0] = %v after a caller changed its slice, want %s", got, want.Name)
	}
}

// TestAllHonorNolint checks that every analyzer of the suite is declared
// with Run: nolint.Run(run), so that //nolint directives and generated
// files are handled the same by all of them, under every driver.
func TestAllHonorNolint(t *testing.T) {
	pkgs := analyzerPackages(t)
	byName := make(map[string]*packages.Package)
	for _, pkg := range pkgs {
		if strings.HasSuffix(pkg.PkgPath, "/testdata/stateful") {
			// The known-bad package shows the check can fail.
			if wrapsRun(pkg) {
				t.Errorf("testdata/stateful: Run: run is taken for nolint.Run(run)")
			}
			continue
		}
		byName[pkg.Name] = pkg
	}
	for _, a := range suite.All() {
		pkg := byName[a.Name]
		if pkg == nil {
			t.Errorf("analyzer %s: no package %s declaring Analyzer was found to check", a.Name, a.Name)
			continue
		}
		if !wrapsRun(pkg) {
			t.Errorf("analyzer %s: %s does not declare Analyzer with Run: nolint.Run(run)", a.Name, pkg.PkgPath)
		}
	}
}

// TestNoGlobalState checks every analyzer package of the module, found as
// a package that declares Analyzer of type *analysis.Analyzer, for
// package-level variables other than Analyzer and //go:embed strings that
// a pass could change: nogo, gopls and golangci-lint run one analyzer on
// many packages at once, in one process, and passes must not see each
// other. Lookup tables that are only read are allowed, as STYLE.md says.
func TestNoGlobalState(t *testing.T) {
	found := make(map[string]bool) // analyzer package names
	for _, pkg := range analyzerPackages(t) {
		globals := globalState(pkg)
		if strings.HasSuffix(pkg.PkgPath, "/testdata/stateful") {
			// The known-bad package shows the check can fail.
			want := []string{"hits", "seen", "found", "leaked", "Exported", "pointed", "queue", "cleared", "builder"}
			if got := names(globals); !slices.Equal(got, want) {
				t.Errorf("global state of testdata/stateful = %v, want %v", globals, want)
			}
			continue
		}
		found[pkg.Name] = true
		t.Logf("checked analyzer package %s", pkg.PkgPath)
		for _, g := range globals {
			t.Errorf("%s: package-level variable %s of analyzer package %s %s, so passes can share state; "+
				"keep per-pass data in locals or the analyzer's result, and tables read-only, "+
				"handing out only copies of values without pointers, maps or slices",
				pkg.Fset.Position(g.v.Pos()), g.v.Name(), pkg.PkgPath, g.why)
		}
	}

	// Every analyzer of the suite must have been found and checked; this
	// assumes the house rule that an analyzer's package is named after it.
	for _, a := range suite.All() {
		if !found[a.Name] {
			t.Errorf("analyzer %s: no package %s declaring Analyzer was found to check", a.Name, a.Name)
		}
	}
}

// loadAnalyzers loads, with syntax and types, every package of the module
// that declares Analyzer of type *analysis.Analyzer, and testdata/stateful.
// It returns what kept a package from being classified or checked as
// errors.
var loadAnalyzers = sync.OnceValues(func() ([]*packages.Package, []error) {
	var errs []error

	// Type-check only the packages that declare Analyzer at top level,
	// found by parsing: type-checking the whole module is slower, and its
	// errors are for go vet to report, not this test.
	list := &packages.Config{Mode: packages.NeedName | packages.NeedFiles}
	all, err := packages.Load(list, "github.com/procmigrate/procmigrate/...", "./testdata/stateful")
	if err != nil {
		return nil, []error{err}
	}
	var candidates []string
	for _, pkg := range all {
		for _, err := range pkg.Errors {
			errs = append(errs, fmt.Errorf("cannot tell whether %s is an analyzer package: %v", pkg.PkgPath, err))
		}
		ok, err := namesAnalyzer(pkg.GoFiles)
		if err != nil {
			errs = append(errs, fmt.Errorf("cannot tell whether %s is an analyzer package: %v", pkg.PkgPath, err))
		}
		if ok {
			candidates = append(candidates, pkg.PkgPath)
		}
	}

	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
			packages.NeedTypes | packages.NeedTypesInfo,
	}
	pkgs, err := packages.Load(cfg, candidates...)
	if err != nil {
		return nil, append(errs, err)
	}
	var out []*packages.Package
	for _, pkg := range pkgs {
		for _, err := range pkg.Errors {
			errs = append(errs, fmt.Errorf("cannot check %s: %v", pkg.PkgPath, err))
		}
		if declaresAnalyzer(pkg.Types) {
			out = append(out, pkg)
		}
	}
	return out, errs
})

// analyzerPackages returns what loadAnalyzers loaded, failing t on its
// errors.
func analyzerPackages(t *testing.T) []*packages.Package {
	t.Helper()
	pkgs, errs := loadAnalyzers()
	for _, err := range errs {
		t.Error(err)
	}
	return pkgs
}
