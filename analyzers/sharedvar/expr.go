package sharedvar

import (
	"go/ast"
	"go/token"
	"go/types"
)

// expr walks an expression whose value is read.
func (w *walker) expr(e ast.Expr) {
	info := w.a.info
	switch e := e.(type) {
	case nil:
	case *ast.Ident, *ast.SelectorExpr, *ast.IndexExpr, *ast.StarExpr:
		if l, ok := locOf(info, e); ok {
			w.load(l, e)
			w.indexes(e)
			return
		}
		switch e := e.(type) {
		case *ast.SelectorExpr:
			// A method value with a pointer receiver takes the address of
			// an addressable receiver; anything else reads it.
			if sel := info.Selections[e]; sel != nil && sel.Kind() == types.MethodVal && isPointer(sel.Obj().Type().(*types.Signature).Recv().Type()) && !isPointer(info.TypeOf(e.X)) {
				w.addr(e.X)
				return
			}
			w.expr(e.X)
		case *ast.IndexExpr:
			w.expr(e.X)
			w.expr(e.Index)
		case *ast.StarExpr:
			w.expr(e.X)
		}
	case *ast.ParenExpr:
		w.expr(e.X)
	case *ast.CallExpr:
		w.call(e)
	case *ast.FuncLit:
		w.funcLit(e)
	case *ast.UnaryExpr:
		switch e.Op {
		case token.AND:
			w.addr(e.X)
		case token.ARROW:
			w.expr(e.X)
			if l, ok := locOf(info, e.X); ok {
				order, _ := w.pos(e)
				w.addJoin(l, recv, order, w.dom(e.Pos()))
			}
		default:
			w.expr(e.X)
		}
	case *ast.BinaryExpr:
		w.expr(e.X)
		w.expr(e.Y)
	case *ast.CompositeLit:
		_, isStruct := typeUnder(info.TypeOf(e)).(*types.Struct)
		for _, elt := range e.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				if !isStruct {
					w.expr(kv.Key)
				}
				w.expr(kv.Value)
				continue
			}
			w.expr(elt)
		}
	case *ast.KeyValueExpr:
		w.expr(e.Key)
		w.expr(e.Value)
	case *ast.SliceExpr:
		if l, ok := locOf(info, e.X); ok {
			if _, isArray := typeUnder(info.TypeOf(e.X)).(*types.Array); isArray {
				w.prefixes(l, e.X) // slicing an array takes its address
			} else {
				w.load(l, e.X)
			}
			w.indexes(e.X)
		} else {
			w.expr(e.X)
		}
		w.expr(e.Low)
		w.expr(e.High)
		w.expr(e.Max)
	case *ast.TypeAssertExpr:
		w.expr(e.X)
	}
}

// typeUnder returns the underlying type of t, or of what t points to.
func typeUnder(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem().Underlying()
	}
	return t.Underlying()
}

// load records a read of l, and of the pointers read on the way to it.
func (w *walker) load(l loc, n ast.Node) {
	w.prefixes(l, n)
	w.add(l, false, false, n, "")
}

// prefixes records the reads of the pointers, maps and slices that code
// follows to reach l: reading p.x reads p.
func (w *walker) prefixes(l loc, n ast.Node) {
	p := ""
	for _, s := range steps(l.path) {
		if s == deref {
			w.add(loc{l.root, p}, false, false, n, "")
		}
		p += s
	}
}

// indexes walks the index expressions inside a location expression.
func (w *walker) indexes(e ast.Expr) {
	switch e := e.(type) {
	case *ast.ParenExpr:
		w.indexes(e.X)
	case *ast.SelectorExpr:
		if w.a.info.Selections[e] != nil {
			w.indexes(e.X)
		}
	case *ast.StarExpr:
		w.indexes(e.X)
	case *ast.IndexExpr:
		w.indexes(e.X)
		w.expr(e.Index)
	}
}

// store records a write of what e names; rmw says the write is computed
// from the value read, as in x++ or x += n.
func (w *walker) store(e ast.Expr, rmw bool) {
	if id, ok := e.(*ast.Ident); ok && id.Name == "_" {
		return
	}
	if l, ok := locOf(w.a.info, e); ok {
		w.prefixes(l, e)
		w.indexes(e)
		w.add(l, true, rmw, e, "")
		return
	}
	w.expr(e)
}

// addr walks &e: the pointers on the way are read, e itself is not.
func (w *walker) addr(e ast.Expr) {
	if l, ok := locOf(w.a.info, e); ok {
		w.prefixes(l, e)
		w.indexes(e)
		return
	}
	w.expr(e)
}

// funcLit walks a function literal found as a value. One that runs as a
// goroutine, or a closure walked where it is called, is skipped; any
// other is taken to run where it is passed, as sort.Slice and t.Run run
// theirs.
//
// TODO(procmigrate): a literal stored and run later, on another
// goroutine, is taken to run where it is written.
func (w *walker) funcLit(lit *ast.FuncLit) {
	if w.a.entryLits[lit] || w.a.closureLits[lit] {
		return
	}
	w.inline(lit)
}
