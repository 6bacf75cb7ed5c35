package sharedvar

import (
	_ "embed"
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/procmigrate/procmigrate/analyzers/internal/analyzerdoc"
	"github.com/procmigrate/procmigrate/analyzers/internal/nolint"
	"github.com/procmigrate/procmigrate/analyzers/workers"
)

//go:embed doc.go
var doc string

// category is the diagnostic category of every report.
const category = "race"

// Analyzer reports variables that goroutines, or workers about to become
// goroutines, share without synchronization.
var Analyzer = &analysis.Analyzer{
	Name:      "sharedvar",
	Doc:       analyzerdoc.MustSection(doc, "sharedvar"),
	URL:       "https://github.com/procmigrate/procmigrate/blob/main/docs/analyzers.md#sharedvar",
	Requires:  []*analysis.Analyzer{workers.Analyzer},
	FactTypes: []analysis.Fact{new(Accesses)},
	Run:       nolint.Run(run),
}

// run reports the races of one package, after exporting the facts of
// its exported functions.
func run(pass *analysis.Pass) (any, error) {
	if pass.TypesInfo == nil || len(pass.Files) == 0 {
		return nil, nil // a dependency loaded from export data: no code to see
	}
	a := newAnalysis(pass.Fset, pass.Files, pass.TypesInfo, pass.Pkg)
	a.importFact = func(fn *types.Func) (*Accesses, bool) {
		fact := new(Accesses)
		return fact, pass.ImportObjectFact(fn.Origin(), fact)
	}
	model := pass.ResultOf[workers.Analyzer].(*workers.Model)
	concurrent := mayRunConcurrently(pass.Files, model)
	if isRuntime(pass.Pkg.Path()) {
		// The runtime orders its goroutines with primitives of its own,
		// runtime locks and stopping the world, that the analysis does
		// not model: every report would be wrong.
		concurrent = false
	}

	if !concurrent && !exportsFacts(pass) {
		return nil, nil // nothing runs concurrently, and no caller needs facts
	}
	a.scan()
	if concurrent {
		a.findEntries(model)
	}
	exportFacts(pass, a)
	if !concurrent {
		return nil, nil // nothing runs concurrently: nothing can race
	}
	a.buildEntries(model)

	fixes := newFixer(a, pass.ReadFile)
	for _, f := range a.findings(a.races()) {
		pass.Report(analysis.Diagnostic{
			Pos:            f.first.pos,
			End:            f.first.end,
			Category:       category,
			Message:        f.message,
			Related:        []analysis.RelatedInformation{{Pos: f.second.pos, End: f.second.end, Message: f.related}},
			SuggestedFixes: fixes.fix(f),
		})
	}
	return nil, nil
}

// mayRunConcurrently reports whether any code of the package can run
// concurrently: it may start a goroutine, or it serves a worker role
// that migration turns into goroutines. When it cannot, no entry is
// found and the analysis stops early.
func mayRunConcurrently(files []*ast.File, model *workers.Model) bool {
	return mayStart(files) || len(model.Dispatches) > 0 && len(model.Spawns) > 0
}

// mayStart reports whether the package has a go statement or a call that
// could start a goroutine, judged by the called name alone: Go, TryGo,
// HandleFunc, Handle, AfterFunc or Parallel. A package without one has
// no concurrency of its own to analyze.
//
// It walks the syntax itself, stopping at the first, rather than asking
// inspect.Analyzer: a required inspector would be built for every package,
// most of which stop here, and kept by the driver until the end of the
// run; on std that was a fifth of migrate check's CPU.
func mayStart(files []*ast.File) bool {
	found := false
	visit := func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.GoStmt:
			found = true
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				switch sel.Sel.Name {
				case "Go", "TryGo", "HandleFunc", "Handle", "AfterFunc", "Parallel":
					found = true
				}
			}
		}
		return !found
	}
	for _, f := range files {
		if ast.Inspect(f, visit); found {
			return true
		}
	}
	return false
}

// isRuntime reports whether path is the runtime or one of its internal
// packages.
func isRuntime(path string) bool {
	return path == "runtime" || strings.HasPrefix(path, "runtime/") || strings.HasPrefix(path, "internal/runtime/")
}
