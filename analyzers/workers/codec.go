package workers

import (
	"go/ast"
	"go/types"
)

// codec returns the one codec built on the stream variable v:
//
//	enc := json.NewEncoder(stdin)   // or json.NewDecoder, gob.New...
//	enc.Encode(task)                // a Call, with message type task
//	json.NewDecoder(r).Decode(&out) // a Call on a codec without Var
//
// It returns nil when v has no codec or several, since the stream then
// does not carry one message protocol.
func (f *finder) codec(v *types.Var) *Codec {
	if v == nil {
		return nil
	}
	var ctors []*ast.CallExpr
	f.inspect(v, func(node ast.Node) bool {
		if call, ok := node.(*ast.CallExpr); ok && len(call.Args) == 1 && refersTo(f.info, call.Args[0], v) {
			ctors = append(ctors, call)
		}
		return true
	})
	return f.codecOf(ctors, func(visit func(ast.Node) bool) { f.inspect(v, visit) })
}

// codecOf returns the codec of a stream given the calls that take it as
// their only argument, and walk, which visits the code where a codec
// built by one of them without a variable may be called. It returns nil
// when none of the calls or several build a codec.
func (f *finder) codecOf(calls []*ast.CallExpr, walk func(visit func(ast.Node) bool)) *Codec {
	// Find the one constructor.
	var c *Codec
	n := 0
	for _, call := range calls {
		if kind := codecKind(callee(f.info, call)); kind != "" {
			n++
			c = &Codec{Kind: kind, Ctor: call, Var: f.assigned[call]}
		}
	}
	if n != 1 {
		return nil
	}

	// Collect the calls through it and every other use.
	recvs := make(map[*ast.Ident]bool)
	visit := func(node ast.Node) bool {
		call, ok := node.(*ast.CallExpr)
		if !ok || !isCodecCall(callee(f.info, call), c.Kind) {
			return true
		}
		sel := selectorOf(call.Fun)
		switch {
		case sel == nil:
			return true
		case ast.Unparen(sel.X) == c.Ctor:
		case c.Var != nil && refersTo(f.info, sel.X, c.Var):
			recvs[RefIdent(sel.X)] = true
		default:
			return true
		}
		c.Calls = append(c.Calls, call)
		c.Types = addType(c.Types, f.messageType(call))
		return true
	}
	if c.Var != nil {
		f.inspect(c.Var, visit)
	} else {
		walk(visit)
	}
	for _, id := range f.uses(c.Var) {
		if !recvs[id] {
			c.Other = append(c.Other, id)
		}
	}
	return c
}

// messageType returns the type of the message an Encode or Decode call
// carries: the operand's type, or what it points to.
func (f *finder) messageType(call *ast.CallExpr) types.Type {
	if len(call.Args) != 1 {
		return nil
	}
	t := f.info.TypeOf(call.Args[0])
	if t == nil {
		return nil
	}
	if ptr, ok := types.Unalias(t).(*types.Pointer); ok {
		t = ptr.Elem()
	}
	if b, ok := t.(*types.Basic); ok && b.Kind() == types.UntypedNil {
		return nil
	}
	return t
}

// addType appends t to ts unless ts holds an identical type or t is nil.
func addType(ts []types.Type, t types.Type) []types.Type {
	if t == nil {
		return ts
	}
	for _, have := range ts {
		if types.Identical(have, t) {
			return ts
		}
	}
	return append(ts, t)
}
