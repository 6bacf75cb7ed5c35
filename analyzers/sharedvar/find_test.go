package sharedvar_test

import (
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/procmigrate/procmigrate/analyzers/sharedvar"
)

// load loads the packages of a GOPATH-style or module directory with
// syntax and types.
func load(t *testing.T, dir string, gopath bool, patterns ...string) []*packages.Package {
	t.Helper()
	cfg := &packages.Config{
		Mode: packages.LoadAllSyntax,
		Dir:  dir,
		Env:  append(os.Environ(), "GOWORK=off", "GOFLAGS="),
	}
	if gopath {
		cfg.Env = append(cfg.Env, "GOPATH="+dir, "GO111MODULE=off")
		cfg.Dir = filepath.Join(dir, "src")
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		for _, err := range p.Errors {
			t.Fatalf("%s: %v", p.PkgPath, err)
		}
	}
	return pkgs
}

// TestFind checks the classes Find gives the variables of a program
// with one of each, and the accesses it lists.
func TestFind(t *testing.T) {
	pkg := load(t, analysistest.TestData(), true, "classes")[0]
	found := sharedvar.Find(pkg.Fset, pkg.Syntax, pkg.TypesInfo, pkg.Types)

	want := map[string]struct {
		class sharedvar.Class
		race  bool
	}{
		"greetings": {sharedvar.ReadOnly, false},
		"tally":     {sharedvar.PerWorker, true},
		"served":    {sharedvar.Counter, true},
		"lengths":   {sharedvar.KeyedCache, true},
		"lastPath":  {sharedvar.Other, true},
	}
	got := make(map[string]*sharedvar.Shared)
	for _, s := range found {
		got[s.Var.Name()] = s
	}
	for name, w := range want {
		s := got[name]
		if s == nil {
			t.Errorf("Find did not return %s", name)
			continue
		}
		if s.Class != w.class {
			t.Errorf("%s: class %v, want %v", name, s.Class, w.class)
		}
		if (s.Race != nil) != w.race {
			t.Errorf("%s: race %v, want a race: %v", name, s.Race, w.race)
		}
		if len(s.Accesses) == 0 {
			t.Errorf("%s: no accesses", name)
		}
	}
	if len(got) != len(want) {
		t.Errorf("Find returned %d variables, want %d: %v", len(got), len(want), names(found))
	}

	// The accesses of tally: the initializer, then worker code.
	tally := got["tally"]
	if tally == nil {
		return
	}
	var init, worker int
	for _, x := range tally.Accesses {
		switch {
		case x.Init:
			init++
		case x.Worker && x.Concurrent:
			worker++
		default:
			t.Errorf("tally: access at %s neither in initialization nor in worker code", pkg.Fset.Position(x.Pos))
		}
	}
	if init != 1 || worker == 0 {
		t.Errorf("tally: %d accesses in initialization, %d in worker code; want 1 and some", init, worker)
	}
	if tally.Race != nil && !strings.Contains(tally.Race.Message, `worker code for role "agent"`) {
		t.Errorf("tally: race message %q does not name the role", tally.Race.Message)
	}
}

func names(ss []*sharedvar.Shared) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Var.Name())
	}
	return out
}

// TestAgentswarm checks the example program: the agents' tally is the one
// thing reported, and Find takes it for per-worker state, which the
// rewriter gives each worker its own copy of.
func TestAgentswarm(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "agentswarm"))
	if err != nil {
		t.Fatal(err)
	}
	pkgs := load(t, dir, false, ".")
	g, err := checker.Analyze([]*analysis.Analyzer{sharedvar.Analyzer}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var reports []string
	for act := range g.All() {
		if act.IsRoot && act.Analyzer == sharedvar.Analyzer {
			for _, d := range act.Diagnostics {
				reports = append(reports, position(act.Package.Fset, d.Pos)+": "+d.Message)
			}
		}
	}
	if len(reports) != 1 || !strings.HasPrefix(reports[0], "agent.go:") || !strings.Contains(reports[0], `tally is written in handle by worker code for role "agent"`) {
		t.Errorf("reports on testdata/agentswarm:\n%s\nwant one, on tally in agent.go", strings.Join(reports, "\n"))
	}

	pkg := pkgs[0]
	for _, s := range sharedvar.Find(pkg.Fset, pkg.Syntax, pkg.TypesInfo, pkg.Types) {
		if s.Var.Name() == "tally" && s.Class != sharedvar.PerWorker {
			t.Errorf("tally: class %v, want %v", s.Class, sharedvar.PerWorker)
		}
	}
}

func position(fset *token.FileSet, pos token.Pos) string {
	p := fset.Position(pos)
	return filepath.Base(p.Filename) + ":" + strings.TrimPrefix(p.String(), p.Filename+":")
}

// noEntries are the fixture packages in which no code runs concurrently:
// a package with none, a library whose callers start the goroutines, and
// a program whose concurrency is in its tests, which are not loaded.
var noEntries = map[string]bool{
	"quiet":                            true,
	"example.com/race/crosspkg/lib":    true,
	"example.com/race/parallelsubtest": true,
}

// TestEarlyStop checks the test the analyzer stops early by: it gives up
// on the package without concurrency, and on no package where the
// analysis finds code running concurrently, so stopping early loses no
// report.
func TestEarlyStop(t *testing.T) {
	pkgs := load(t, analysistest.TestData(), true,
		"quiet", "nolint", "errgroup", "handlers", "versionless", "oldloop", "safe", "classes")
	race, err := filepath.Abs(filepath.Join(analysistest.TestData(), "race"))
	if err != nil {
		t.Fatal(err)
	}
	pkgs = append(pkgs, load(t, race, false, "./...")...)
	for _, p := range pkgs {
		concurrent := sharedvar.MayRunConcurrently(p.Syntax, p.TypesInfo, p.Types)
		entries := sharedvar.Entries(p.Fset, p.Syntax, p.TypesInfo, p.Types)
		switch {
		case p.PkgPath == "quiet" && (concurrent || entries != 0):
			t.Errorf("quiet: concurrent %v with %d entries, want false and none", concurrent, entries)
		case entries > 0 && !concurrent:
			t.Errorf("%s: %d entries, but the analyzer would stop early", p.PkgPath, entries)
		case entries == 0 && !noEntries[p.PkgPath]:
			t.Errorf("%s: no entries found", p.PkgPath)
		}
	}
}
