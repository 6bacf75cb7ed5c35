package workers

import (
	"go/ast"
	"go/constant"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// Standard streams by the name of their os variable and of the *exec.Cmd
// method that opens a pipe to them.
var (
	osStreams = map[string]string{
		"Stdin":  "stdin",
		"Stdout": "stdout",
		"Stderr": "stderr",
	}
	pipeMethods = map[string]string{
		"StdinPipe":  "stdin",
		"StdoutPipe": "stdout",
		"StderrPipe": "stderr",
	}
)

// isPkgFunc reports whether obj is the package-level function path.name.
func isPkgFunc(obj types.Object, path, name string) bool {
	fn, ok := obj.(*types.Func)
	return ok && fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == path &&
		fn.Name() == name && fn.Signature().Recv() == nil
}

// isMethod reports whether obj is the method name of the named type
// path.typ, with a value or pointer receiver.
func isMethod(obj types.Object, path, typ, name string) bool {
	fn, ok := obj.(*types.Func)
	if !ok || fn == nil || fn.Name() != name {
		return false
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return false
	}
	return isNamed(recv.Type(), path, typ)
}

// isNamed reports whether t, or the type t points to, is path.name.
func isNamed(t types.Type, path, name string) bool {
	if ptr, ok := types.Unalias(t).(*types.Pointer); ok {
		t = ptr.Elem()
	}
	named, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	obj := named.Obj()
	return obj.Pkg() != nil && obj.Pkg().Path() == path && obj.Name() == name
}

// isPkgVar reports whether obj is the package-level variable path.name.
func isPkgVar(obj types.Object, path, name string) bool {
	v, ok := obj.(*types.Var)
	return ok && v != nil && v.Pkg() != nil && v.Pkg().Path() == path &&
		v.Name() == name && v.Parent() == v.Pkg().Scope()
}

// RefIdent returns the identifier that names the object e refers to: e
// itself or the selector of x.f, looking through parentheses.
func RefIdent(e ast.Expr) *ast.Ident {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return e
	case *ast.SelectorExpr:
		return e.Sel
	}
	return nil
}

// objectOf returns the object e refers to or defines, or nil.
func objectOf(info *types.Info, e ast.Expr) types.Object {
	id := RefIdent(e)
	if id == nil {
		return nil
	}
	if obj := info.Uses[id]; obj != nil {
		return obj
	}
	return info.Defs[id]
}

// refersTo reports whether e is a reference to v (x, or s.x for a field).
func refersTo(info *types.Info, e ast.Expr, v *types.Var) bool {
	return v != nil && objectOf(info, e) == v
}

// osStream returns "stdin", "stdout" or "stderr" when e is os.Stdin,
// os.Stdout or os.Stderr, and "" otherwise.
func osStream(info *types.Info, e ast.Expr) string {
	obj := objectOf(info, e)
	for name, stream := range osStreams {
		if isPkgVar(obj, "os", name) {
			return stream
		}
	}
	return ""
}

// osArgsIndex returns K when e is os.Args[K] with a constant K.
func osArgsIndex(info *types.Info, e ast.Expr) (int, bool) {
	ix, ok := ast.Unparen(e).(*ast.IndexExpr)
	if !ok || !isPkgVar(objectOf(info, ix.X), "os", "Args") {
		return 0, false
	}
	k, ok := constInt(info, ix.Index)
	return k, ok
}

// constString returns the value of e if it is a constant string.
func constString(info *types.Info, e ast.Expr) (string, bool) {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(tv.Value), true
}

// constInt returns the value of e if it is a constant that fits an int.
func constInt(info *types.Info, e ast.Expr) (int, bool) {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil {
		return 0, false
	}
	v, exact := constant.Int64Val(constant.ToInt(tv.Value))
	return int(v), exact
}

// containsString reports whether some constant string inside e satisfies
// match.
func containsString(info *types.Info, e ast.Expr, match func(string) bool) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if x, ok := n.(ast.Expr); ok && !found {
			if s, ok := constString(info, x); ok && match(s) {
				found = true
			}
		}
		return !found
	})
	return found
}

// codecKind returns "json.Encoder" and the like when fn is one of the
// constructors json.NewEncoder, json.NewDecoder, gob.NewEncoder and
// gob.NewDecoder, and "" otherwise.
func codecKind(fn types.Object) string {
	for _, path := range []string{"encoding/json", "encoding/gob"} {
		for _, typ := range []string{"Encoder", "Decoder"} {
			if isPkgFunc(fn, path, "New"+typ) {
				return path[strings.LastIndex(path, "/")+1:] + "." + typ
			}
		}
	}
	return ""
}

// isCodecCall reports whether fn is Encode of an encoder kind or Decode
// of a decoder kind, as returned by codecKind.
func isCodecCall(fn types.Object, kind string) bool {
	pkg, typ, _ := strings.Cut(kind, ".")
	name := strings.TrimSuffix(typ, "r") // Encoder => Encode
	return isMethod(fn, "encoding/"+pkg, typ, name)
}

// isMethodExpr reports whether the function called is a method expression
// T.m, whose first argument is the receiver.
func isMethodExpr(info *types.Info, fun ast.Expr) bool {
	sel, ok := ast.Unparen(fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	s, ok := info.Selections[sel]
	return ok && s.Kind() == types.MethodExpr
}

// callee returns the function or method a call statically invokes, or nil.
func callee(info *types.Info, call *ast.CallExpr) *types.Func {
	fn, _ := typeutil.Callee(info, call).(*types.Func)
	if fn != nil {
		fn = fn.Origin()
	}
	return fn
}
