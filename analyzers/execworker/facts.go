package execworker

import (
	"go/build"
	"go/types"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// Isolates is the fact execworker exports for an exported function or
// method, of a package outside the standard library and package main,
// whose code isolates the process that runs it: it drops privileges,
// changes its root directory, sets resource limits or enters namespaces,
// itself or through the functions it calls, in its package or through
// their facts. A role of another package whose code calls the function
// keeps its child a process.
type Isolates struct {
	// Reason says what the code does, with the call and the function
	// holding it named with its package, which reads the same on every
	// machine: "drops privileges with unix.Setuid in jail.drop".
	Reason string
}

// AFact marks Isolates as a fact.
func (*Isolates) AFact() {}

func (f *Isolates) String() string { return "isolates: " + f.Reason }

// exportFacts exports an Isolates fact for each exported function and
// method of the package that isolates the process running it. isolation
// reads the facts of the packages it calls.
//
// Packages that cannot reach an isolating call are skipped: those that
// use no isolating function and import no package with such facts. So are the standard library, whose isolating functions
// workers.Isolating lists already, and package main, which no package
// imports.
func exportFacts(pass *analysis.Pass, isolation func(*types.Func) string) {
	if pass.Pkg.Name() == "main" || isStd(pass) || !mayIsolate(pass) {
		return
	}
	whys := workers.Isolations(pass.Files, pass.TypesInfo, pass.Pkg, isolation)
	fns := make([]*types.Func, 0, len(whys))
	for fn := range whys {
		if fn.Exported() {
			fns = append(fns, fn)
		}
	}
	sort.Slice(fns, func(i, j int) bool { return fns[i].Pos() < fns[j].Pos() })
	for _, fn := range fns {
		pass.ExportObjectFact(fn, &Isolates{Reason: whys[fn]})
	}
}

// mayIsolate reports whether the package uses a function that can
// isolate a process (workers.Isolating), or imports a package with
// Isolates facts.
func mayIsolate(pass *analysis.Pass) bool {
	for _, obj := range pass.TypesInfo.Uses {
		if workers.Isolating(obj) != "" {
			return true
		}
	}
	direct := make(map[*types.Package]bool)
	for _, imp := range pass.Pkg.Imports() {
		direct[imp] = true
	}
	for _, f := range pass.AllObjectFacts() {
		if direct[f.Object.Pkg()] {
			return true
		}
	}
	return false
}

// isStd reports whether the package is part of the standard library: it
// belongs to no module, or to std, and its files are in GOROOT. Without a
// GOROOT to compare, a package whose path has no dot in its first element
// is taken for one.
func isStd(pass *analysis.Pass) bool {
	if pass.Module != nil && pass.Module.Path != "" && pass.Module.Path != "std" {
		return false
	}
	if build.Default.GOROOT == "" || len(pass.Files) == 0 {
		first, _, _ := strings.Cut(pass.Pkg.Path(), "/")
		return !strings.Contains(first, ".")
	}
	src := filepath.Join(build.Default.GOROOT, "src") + string(filepath.Separator)
	name := pass.Fset.Position(pass.Files[0].Package).Filename
	return strings.HasPrefix(name, src)
}
