package sharedvar_test

import (
	"cmp"
	"slices"
	"testing"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/procmigrate/procmigrate/analyzers/sharedvar"
)

// benchPackages are packages of the standard library with goroutines of
// their own, measured with every dependency.
var benchPackages = []string{"net/http", "encoding/json", "os/exec", "sync", "runtime"}

// BenchmarkStd runs the analyzer over benchPackages and their
// dependencies, as migrate check does, loaded once.
func BenchmarkStd(b *testing.B) {
	benchAnalyze(b, loadStd(b, benchPackages...))
}

// BenchmarkStdAll runs the analyzer over the whole standard library,
// as migrate check std does, loaded once.
func BenchmarkStdAll(b *testing.B) {
	if testing.Short() {
		b.Skip("loads and analyzes all of std")
	}
	benchAnalyze(b, loadStd(b, "std"))
}

// benchAnalyze runs the analyzer over pkgs and their dependencies, and
// logs where its time went.
func benchAnalyze(b *testing.B, pkgs []*packages.Package) {
	b.ResetTimer()
	var g *checker.Graph
	for b.Loop() {
		var err error
		g, err = checker.Analyze([]*analysis.Analyzer{sharedvar.Analyzer}, pkgs, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportSlowest(b, g)
}

// BenchmarkStdBaseline runs only what the analyzer requires, the
// workers model and the inspector, over the same packages: the
// difference with BenchmarkStd is the analyzer's own cost.
func BenchmarkStdBaseline(b *testing.B) {
	pkgs := loadStd(b, benchPackages...)
	b.ResetTimer()
	for b.Loop() {
		if _, err := checker.Analyze(sharedvar.Analyzer.Requires, pkgs, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func loadStd(b *testing.B, patterns ...string) []*packages.Package {
	b.Helper()
	cfg := &packages.Config{Mode: packages.LoadAllSyntax}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		b.Fatal(err)
	}
	return pkgs
}

// reportSlowest logs the packages the analyzer spent most time on.
func reportSlowest(b *testing.B, g *checker.Graph) {
	type cost struct {
		pkg string
		d   time.Duration
	}
	var costs []cost
	var total time.Duration
	for act := range g.All() {
		if act.Analyzer == sharedvar.Analyzer {
			costs = append(costs, cost{act.Package.PkgPath, act.Duration})
			total += act.Duration
		}
	}
	slices.SortFunc(costs, func(x, y cost) int { return cmp.Compare(y.d, x.d) })
	b.Logf("sharedvar over %d packages: %v", len(costs), total)
	for _, c := range costs[:min(5, len(costs))] {
		b.Logf("  %-30s %v", c.pkg, c.d)
	}
	for _, c := range costs {
		if c.pkg == "encoding/json" {
			b.Logf("  %-30s %v (no goroutines: stops early)", c.pkg, c.d)
		}
	}
}
