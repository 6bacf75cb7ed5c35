package cgocall

import (
	"go/ast"
	"go/token"
	"go/types"
	"os"

	"golang.org/x/tools/go/analysis"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// ReentrantFix is the fix that switches one call of worker code to its
// reentrant variant, as the analyzer suggests it, for a tool that applies
// it outside a driver, as migrate rewrite does.
type ReentrantFix struct {
	Title string // "Use strtok_r with a local saveptr"
	Call  string // the C function switched: "strtok"
	Edits []Edit
}

// Edit replaces the bytes [Start, End) of File, a file as written, with
// Text.
type Edit struct {
	File       string
	Start, End int
	Text       string
}

// ReentrantFixes returns the fixes that switch the calls worker code makes
// to their reentrant variants, where the shape of the code proves the
// variant means the same (strtok loops, dereferenced localtime and
// gmtime), for a package as cgo generated it, type-checked: files, info
// and pkg as go/packages loads them, otherFiles its .c files. Calls of
// goroutines the parent starts are left out: they are not a worker's.
func ReentrantFixes(fset *token.FileSet, files []*ast.File, info *types.Info, pkg *types.Package, otherFiles []string) []ReentrantFix {
	if !imports(pkg, "runtime/cgo") {
		return nil
	}
	model := workers.Find(files, info, pkg)
	entries := workers.Entries(model, files, info)
	if len(entries) == 0 {
		return nil
	}
	pass := &analysis.Pass{
		Analyzer:   Analyzer,
		Fset:       fset,
		Files:      files,
		OtherFiles: otherFiles,
		Pkg:        pkg,
		TypesInfo:  info,
		ResultOf:   map[*analysis.Analyzer]any{workers.Analyzer: model},
		ReadFile:   os.ReadFile,
		Report:     func(analysis.Diagnostic) {},
	}
	a := newCgoPass(pass)
	a.sites = a.findSites(entries)
	var fixes []ReentrantFix
	for _, f := range a.classify(a.sites) {
		if f.site.entry.Kind != workers.WorkerEntry {
			continue
		}
		fix := a.reentrantFix(f)
		if fix == nil {
			continue
		}
		rf := ReentrantFix{Title: fix.Message, Call: f.site.name}
		for _, e := range fix.TextEdits {
			start, end := fset.Position(e.Pos), fset.Position(e.End)
			rf.Edits = append(rf.Edits, Edit{File: start.Filename, Start: start.Offset, End: end.Offset, Text: string(e.NewText)})
		}
		fixes = append(fixes, rf)
	}
	return fixes
}
