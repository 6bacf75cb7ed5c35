package workers

import (
	"go/ast"
	"go/types"
)

// serve sets the serving function of d: the first function of this
// package called in its body that is handed a standard stream, or failing
// that the first one called at all, searching calls in source order:
//
//	cfg := loadConfig(path)                        // not this one
//	if err := serveAgent(os.Stdin, os.Stdout); ... // this one
//	os.Exit(serveAgent(os.Stdin, os.Stdout))
//
// and the endpoints it is passed.
func (f *finder) serve(d *Dispatch) {
	var first, streamed *ast.CallExpr
	var firstFn, streamedFn *types.Func
	for _, stmt := range d.Body {
		ast.Inspect(stmt, func(n ast.Node) bool {
			if streamed != nil {
				return false
			}
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			fn := callee(f.info, call)
			if !f.isLocalFunc(fn) {
				return true
			}
			if first == nil {
				first, firstFn = call, fn
			}
			for _, arg := range call.Args {
				if osStream(f.info, arg) != "" {
					streamed, streamedFn = call, fn
					return false
				}
			}
			return true
		})
	}
	switch {
	case streamed != nil:
		d.Serve, d.ServeCall = streamedFn, streamed
	case first != nil:
		d.Serve, d.ServeCall = firstFn, first
	}
	if d.Serve != nil {
		d.Endpoints = f.endpoints(d)
	}
}

// isLocalFunc reports whether fn is a function or concrete method
// declared in this package.
func (f *finder) isLocalFunc(fn *types.Func) bool {
	if fn == nil || fn.Pkg() != f.pkg {
		return false
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return true
	}
	t := recv.Type()
	if ptr, ok := types.Unalias(t).(*types.Pointer); ok {
		t = ptr.Elem()
	}
	named, ok := types.Unalias(t).(*types.Named)
	return ok && named.Obj().Pkg() == f.pkg && !types.IsInterface(named)
}

// endpoints returns the standard streams passed to the serving function
// of d, with the parameter that receives each:
//
//	serveAgent(os.Stdin, os.Stdout)
//	func serveAgent(r io.Reader, w io.Writer) error
//
// A stream passed to the variadic parameter is skipped: it lands in a
// slice, not in a parameter of its own.
func (f *finder) endpoints(d *Dispatch) []*Endpoint {
	if f.decls[d.Serve] == nil {
		return nil // declared without body, or in a file not given
	}
	var (
		sig    = d.Serve.Signature()
		params = sig.Params()
		out    []*Endpoint
	)
	shift := 0
	if isMethodExpr(f.info, d.ServeCall.Fun) {
		shift = 1 // T.m(recv, args...)
	}
	for j, arg := range d.ServeCall.Args {
		i := j - shift
		stream := osStream(f.info, arg)
		if stream == "" || i < 0 || i >= params.Len() || (sig.Variadic() && i >= params.Len()-1) {
			continue
		}
		p := params.At(i)
		out = append(out, &Endpoint{
			Stream: stream,
			Arg:    j,
			Param:  p,
			Uses:   f.uses(p),
			Codec:  f.codec(p),
		})
	}
	return out
}
