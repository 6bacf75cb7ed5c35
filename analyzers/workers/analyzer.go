package workers

import (
	"go/types"
	"reflect"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// Analyzer computes the Model of a package once for every analyzer that
// reports on workers; its result is a *Model, empty when the package
// imports neither os/exec nor os and so can neither spawn a worker nor
// dispatch on os.Args.
var Analyzer = &analysis.Analyzer{
	Name:       "workers",
	Doc:        "find worker processes that re-execute the running binary",
	Run:        run,
	ResultType: reflect.TypeFor[*Model](),
}

func run(pass *analysis.Pass) (any, error) {
	if pass.TypesInfo == nil {
		// A dependency loaded from export data, which a driver hands to
		// analyzers with facts that need this one: no code to describe.
		return &Model{}, nil
	}
	if !Modelled(pass.Pkg) {
		return &Model{}, nil // no spawn and no dispatch: nothing to describe
	}
	return Find(pass.Files, pass.TypesInfo, pass.Pkg), nil
}

// Modelled reports whether Analyzer looks at the code of pkg: it does when
// pkg imports os/exec or os, and gives an empty Model for other packages
// without a look.
func Modelled(pkg *types.Package) bool {
	return importsExec(pkg) || imports(pkg, "os")
}

// FuncString names fn as code in pkg would: serve, or (*server).serve for
// a method.
func FuncString(fn *types.Func, pkg *types.Package) string {
	recv := fn.Signature().Recv()
	if recv == nil {
		if fn.Pkg() != pkg && fn.Pkg() != nil {
			return fn.Pkg().Name() + "." + fn.Name()
		}
		return fn.Name()
	}
	t := types.TypeString(recv.Type(), types.RelativeTo(pkg))
	if _, ok := types.Unalias(recv.Type()).(*types.Pointer); ok {
		return "(" + t + ")." + fn.Name()
	}
	return t + "." + fn.Name()
}

// TypeList names message types relative to pkg as an English list:
// "task", "task and result", "a, b and c".
func TypeList(ts []types.Type, pkg *types.Package) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = types.TypeString(t, types.RelativeTo(pkg))
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	last := len(names) - 1
	return strings.Join(names[:last], ", ") + " and " + names[last]
}
