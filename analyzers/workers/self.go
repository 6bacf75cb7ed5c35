package workers

import (
	"go/ast"
	"go/types"
)

// varSet is the variables self is following, to stop at a cycle.
type varSet map[*types.Var]bool

// maxParams is how many calls deep self follows a parameter back to the
// value its callers pass.
const maxParams = 3

// Sources of the running binary's path, as Spawn.Self names them.
const (
	selfExecutable = "os.Executable()"
	selfArgs0      = "os.Args[0]"
	selfProc       = "/proc/self/exe"
	selfLookPath   = "exec.LookPath(os.Args[0])"
	selfReexec     = "reexec.Self()"
)

// reexecPaths are the import paths of the busybox-style re-exec helper,
// which moved from the docker repository to moby/sys.
var reexecPaths = [...]string{"github.com/moby/sys/reexec", "github.com/docker/docker/pkg/reexec"}

// importsReexec reports whether pkg imports a re-exec helper package.
func importsReexec(pkg *types.Package) bool {
	return imports(pkg, reexecPaths[0]) || imports(pkg, reexecPaths[1])
}

// isReexecFunc reports whether obj is the function name of a re-exec
// helper package.
func isReexecFunc(obj types.Object, name string) bool {
	for _, path := range reexecPaths {
		if isPkgFunc(obj, path, name) {
			return true
		}
	}
	return false
}

// isReexecSelf reports whether e is reexec.Self(), the path of the
// running binary ("/proc/self/exe" on Linux).
func isReexecSelf(info *types.Info, e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	return ok && len(call.Args) == 0 && isReexecFunc(callee(info, call), "Self")
}

// self reports why e, evaluated in fn, is the path of the running binary,
// or "" if it may not be. Accepted shapes:
//
//	os.Args[0]
//	"/proc/self/exe"              (or a constant with that value)
//	exe, err := os.Executable()   (exe, and every variable, field or
//	if err != nil {                parameter whose only assignments are
//		exe = os.Args[0]           such values)
//	}
//
// A parameter counts when every call of its function in the package passes
// such a value. Parameters are followed through at most params calls
// (maxParams from a spawn), enough for a spawn helper called by a
// supervisor; deeper chains are out of scope on purpose. When the values
// come from several sources, the first in source order is named.
//
// TODO(procmigrate): follow a function that returns the path, such as
// func self() string { exe, _ := os.Executable(); return exe }, and
// cleanups of it such as filepath.EvalSymlinks(exe).
func (f *finder) self(e ast.Expr, fn *ast.FuncDecl, params int, stack varSet) string {
	return f.selfOf(e, fn, params, stack, false)
}

// selfExt is self with the sources only Model.Starts accepts:
//
//	exe, err := exec.LookPath(os.Args[0])
//	reexec.Self()
//
// Spawns keeps to self's, which the rewriter converts.
func (f *finder) selfExt(e ast.Expr, fn *ast.FuncDecl) string {
	return f.selfOf(e, fn, maxParams, make(varSet), true)
}

// selfOf is self, with the sources of selfExt when ext is set.
func (f *finder) selfOf(e ast.Expr, fn *ast.FuncDecl, params int, stack varSet, ext bool) string {
	if ext && isReexecSelf(f.info, e) {
		return selfReexec
	}
	if s, ok := constString(f.info, e); ok {
		if s == selfProc {
			return selfProc
		}
		return ""
	}
	if k, ok := osArgsIndex(f.info, e); ok {
		if k == 0 {
			return selfArgs0
		}
		return ""
	}
	v, ok := objectOf(f.info, e).(*types.Var)
	if !ok || stack[v] || v.Pkg() != f.pkg {
		return "" // not a variable of this package, or a cycle
	}
	stack[v] = true
	defer delete(stack, v)

	// Gather every value v can hold, then require all to be the binary.
	first := ""
	if isParam(f.info, fn, v) {
		if first = f.selfParam(v, fn, params, stack, ext); first == "" {
			return ""
		}
	} else if lit, call, i := f.litCall(v, fn); lit != nil {
		if call == nil || call.Ellipsis.IsValid() || i >= len(call.Args) {
			return "" // a literal not called on the spot, or a spread
		}
		if first = f.selfOf(call.Args[i], fn, params, stack, ext); first == "" {
			return ""
		}
	}
	as, ok := f.assignments(v)
	if !ok || (first == "" && len(as) == 0) {
		return ""
	}
	for _, a := range as {
		src := f.selfValue(a, params, stack, ext)
		if src == "" {
			return ""
		}
		if first == "" {
			first = src
		}
	}
	return first
}

// selfValue is self for one assignment, which may take one result of
// os.Executable().
func (f *finder) selfValue(a assignment, params int, stack varSet, ext bool) string {
	if a.tuple < 0 {
		return f.selfOf(a.rhs, a.fn, params, stack, ext)
	}
	call, ok := ast.Unparen(a.rhs).(*ast.CallExpr)
	if !ok || a.tuple != 0 {
		return ""
	}
	fn := callee(f.info, call)
	switch {
	case isPkgFunc(fn, "os", "Executable"):
		return selfExecutable
	case ext && isPkgFunc(fn, "os/exec", "LookPath") && len(call.Args) == 1:
		// LookPath returns a path with a separator as it is, and looks
		// a bare name up in PATH, which finds this binary when that is
		// how it was started.
		if k, ok := osArgsIndex(f.info, call.Args[0]); ok && k == 0 {
			return selfLookPath
		}
	}
	return ""
}

// selfParam is self for parameter v of fn: every call site in the package
// must pass the running binary.
func (f *finder) selfParam(v *types.Var, fn *ast.FuncDecl, params int, stack varSet, ext bool) string {
	obj, ok := f.info.Defs[fn.Name].(*types.Func)
	if params == 0 || !ok {
		return ""
	}
	sig := obj.Signature()
	i := paramIndex(sig, v)
	if i < 0 || (sig.Variadic() && i == sig.Params().Len()-1) {
		return "" // not found, or gathered from a spread
	}
	calls, decls, ok := f.callSites(obj)
	if !ok || len(calls) == 0 {
		return ""
	}
	first := ""
	for j, call := range calls {
		if call.Ellipsis.IsValid() || len(call.Args) != sig.Params().Len() {
			return "" // spread or multi-valued arguments
		}
		src := f.selfOf(call.Args[i], decls[j], params-1, stack, ext)
		if src == "" {
			return ""
		}
		if first == "" {
			first = src
		}
	}
	return first
}

// litCall finds the function literal of fn that has v as parameter i,
// and the call that runs it on the spot, as in
//
//	go func(exe string) { ... }(exe)
//
// lit is nil when v is no parameter of a literal; call is nil when the
// literal is not called where it is written.
func (f *finder) litCall(v *types.Var, fn *ast.FuncDecl) (lit *ast.FuncLit, call *ast.CallExpr, i int) {
	if fn == nil {
		return nil, nil, 0
	}
	ast.Inspect(fn, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr: // visited before its Fun
			if l, ok := ast.Unparen(n.Fun).(*ast.FuncLit); ok && f.litParam(l, v) >= 0 {
				call = n
			}
		case *ast.FuncLit:
			if j := f.litParam(n, v); j >= 0 {
				lit, i = n, j
			}
		}
		return lit == nil
	})
	return lit, call, i
}

// litParam returns the index of v among the parameters of lit, or -1.
func (f *finder) litParam(lit *ast.FuncLit, v *types.Var) int {
	sig, ok := f.info.TypeOf(lit).(*types.Signature)
	if !ok {
		return -1
	}
	return paramIndex(sig, v)
}

// isParam reports whether v is a parameter of fn.
func isParam(info *types.Info, fn *ast.FuncDecl, v *types.Var) bool {
	if fn == nil {
		return false
	}
	obj, ok := info.Defs[fn.Name].(*types.Func)
	return ok && paramIndex(obj.Signature(), v) >= 0
}

// paramIndex returns the index of v among the parameters of sig, or -1.
func paramIndex(sig *types.Signature, v *types.Var) int {
	for i := range sig.Params().Len() {
		if sig.Params().At(i) == v {
			return i
		}
	}
	return -1
}
