package main

// TEMPORARY development stub until analyzers/execworker and analyzers/pipeipc exist.

import (
	"go/ast"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/procmigrate/procmigrate/analyzers/execworker"
)

var stubExec = &analysis.Analyzer{
	Name: "execworker",
	Doc:  "report exec.Command calls\n\nlong",
	Run: func(pass *analysis.Pass) (any, error) {
		for _, f := range pass.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok {
					if fn := typeutil.StaticCallee(pass.TypesInfo, call); fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "os/exec" && fn.Name() == "Command" {
						if _, lit := call.Args[0].(*ast.BasicLit); lit {
							return true
						}
						pass.Report(analysis.Diagnostic{Pos: call.Pos(), Message: "worker spawned with exec.Command can run as a goroutine", Category: "spawn"})
					}
				}
				return true
			})
		}
		return nil, nil
	},
}

var stubPipe = &analysis.Analyzer{Name: "pipeipc", Doc: "nothing", Run: func(*analysis.Pass) (any, error) { return nil, nil }}

var suite = []*analysis.Analyzer{execworker.Analyzer, stubPipe}
