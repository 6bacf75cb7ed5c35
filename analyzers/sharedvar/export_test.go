package sharedvar

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// MayRunConcurrently is the test the analyzer stops early by: false when
// no code of the package can run concurrently.
func MayRunConcurrently(files []*ast.File, info *types.Info, pkg *types.Package) bool {
	return mayRunConcurrently(files, workers.Find(files, info, pkg))
}

// Entries returns how many pieces of code the analysis finds running
// concurrently in a package: go statements, goroutines started by calls,
// handlers, workers, parallel tests.
func Entries(fset *token.FileSet, files []*ast.File, info *types.Info, pkg *types.Package) int {
	a := newAnalysis(fset, files, info, pkg)
	a.scan()
	a.findEntries(workers.Find(files, info, pkg))
	return len(a.entries)
}
