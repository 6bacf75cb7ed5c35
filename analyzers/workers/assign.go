package workers

import (
	"go/ast"
	"go/token"
	"go/types"
)

// assignment is one value stored into a variable.
type assignment struct {
	rhs   ast.Expr
	tuple int           // index into the results of rhs, -1 if single-valued
	fn    *ast.FuncDecl // function the assignment is in, nil at package level
}

// scope returns the nodes a variable can be referred to in: the
// declaration of the function of a local variable or parameter, and every
// file for package-level variables and struct fields.
func (f *finder) scope(v *types.Var) []ast.Node {
	if v.Pkg() == f.pkg && v.Parent() != nil && v.Parent() != f.pkg.Scope() {
		if fn := f.funcAt(v.Pos()); fn != nil {
			return []ast.Node{fn}
		}
	}
	nodes := make([]ast.Node, len(f.files))
	for i, file := range f.files {
		nodes[i] = file
	}
	return nodes
}

// inspect walks the scope of v in source order.
func (f *finder) inspect(v *types.Var, visit func(ast.Node) bool) {
	for _, n := range f.scope(v) {
		ast.Inspect(n, visit)
	}
}

// uses returns every identifier that refers to v, in source order.
func (f *finder) uses(v *types.Var) []*ast.Ident {
	if v == nil {
		return nil
	}
	var ids []*ast.Ident
	f.inspect(v, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && f.info.Uses[id] == v {
			ids = append(ids, id)
		}
		return true
	})
	return ids
}

// assignments returns the values stored into v in source order. It
// reports false when v may change in a way it cannot follow: its address
// is taken, it is a range variable, or it is updated with an operator.
// A declaration without a value is not an assignment.
func (f *finder) assignments(v *types.Var) ([]assignment, bool) {
	// Every if statement that tests a local, err != nil included, may
	// ask about it: each variable's scope is walked once.
	if r, done := f.assigns[v]; done {
		return r.values, r.ok
	}
	out, ok := f.findAssignments(v)
	if f.assigns == nil { // a finder built for one question, as in boundary.go, has none yet
		f.assigns = make(map[*types.Var]assignResult)
	}
	f.assigns[v] = assignResult{out, ok}
	return out, ok
}

// assignResult is what finder.assignments found for a variable; callers
// share it and do not change it.
type assignResult struct {
	values []assignment
	ok     bool
}

// findAssignments walks the scope of v for finder.assignments.
func (f *finder) findAssignments(v *types.Var) ([]assignment, bool) {
	var (
		out []assignment
		ok  = true
	)
	add := func(lhs, rhs []ast.Expr, at token.Pos) {
		for i, l := range lhs {
			if !refersTo(f.info, l, v) {
				continue
			}
			switch {
			case len(lhs) == len(rhs):
				out = append(out, assignment{rhs[i], -1, f.funcAt(at)})
			case len(rhs) == 1:
				out = append(out, assignment{rhs[0], i, f.funcAt(at)})
			}
		}
	}
	f.inspect(v, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok != token.ASSIGN && n.Tok != token.DEFINE {
				ok = ok && !anyRefersTo(f.info, n.Lhs, v)
				break
			}
			add(n.Lhs, n.Rhs, n.Pos())
		case *ast.ValueSpec:
			add(identExprs(n.Names), n.Values, n.Pos())
		case *ast.RangeStmt:
			ok = ok && !anyRefersTo(f.info, []ast.Expr{n.Key, n.Value}, v)
		case *ast.UnaryExpr:
			ok = ok && !(n.Op == token.AND && refersTo(f.info, n.X, v))
		case *ast.CompositeLit:
			out = append(out, f.fieldValues(n, v)...)
		}
		return true
	})
	return out, ok
}

// fieldValues returns the values a struct literal gives the field v.
func (f *finder) fieldValues(lit *ast.CompositeLit, v *types.Var) []assignment {
	if !v.IsField() {
		return nil
	}
	st, ok := f.info.TypeOf(lit).Underlying().(*types.Struct)
	if !ok {
		return nil // a map or slice literal: its keys are not fields
	}
	var out []assignment
	for i, elt := range lit.Elts {
		kv, keyed := elt.(*ast.KeyValueExpr)
		switch {
		case keyed && refersTo(f.info, kv.Key, v):
			out = append(out, assignment{kv.Value, -1, f.funcAt(lit.Pos())})
		case !keyed && i < st.NumFields() && st.Field(i) == v:
			out = append(out, assignment{elt, -1, f.funcAt(lit.Pos())})
		}
	}
	return out
}

// callSites returns the calls of fn with the declaration each is in. It
// reports false when fn may be called where the package does not show:
// it is exported from a package other than main, used as a value, or a
// method an interface may call.
func (f *finder) callSites(fn *types.Func) ([]*ast.CallExpr, []*ast.FuncDecl, bool) {
	if fn.Exported() && f.pkg.Name() != "main" {
		return nil, nil, false
	}
	if fn.Signature().Recv() != nil && f.interfaceHas(fn.Name()) {
		return nil, nil, false
	}
	var (
		calls  []*ast.CallExpr
		decls  []*ast.FuncDecl
		called = make(map[*ast.Ident]bool)
	)
	f.eachCall(func(call *ast.CallExpr, decl *ast.FuncDecl) {
		id := funcIdent(call.Fun)
		if id == nil || !isSame(f.info.Uses[id], fn) {
			return
		}
		if isMethodExpr(f.info, call.Fun) {
			return // T.m(recv, args...): arguments are shifted; left unmatched below
		}
		called[id] = true
		calls = append(calls, call)
		decls = append(decls, decl)
	})
	for id, obj := range f.info.Uses {
		if isSame(obj, fn) && !called[id] {
			return nil, nil, false // used as a value or through a method expression
		}
	}
	return calls, decls, true
}

// interfaceHas reports whether an interface type the package mentions has
// a method called name: a method of that name may be called through it.
func (f *finder) interfaceHas(name string) bool {
	for _, tv := range f.info.Types {
		if tv.Type == nil {
			continue
		}
		iface, ok := tv.Type.Underlying().(*types.Interface)
		if !ok {
			continue
		}
		for i := range iface.NumMethods() {
			if iface.Method(i).Name() == name {
				return true
			}
		}
	}
	return false
}

// funcIdent returns the identifier naming the function in the Fun of a
// call: f, x.f, and either of them instantiated.
func funcIdent(fun ast.Expr) *ast.Ident {
	fun = ast.Unparen(fun)
	switch x := fun.(type) {
	case *ast.IndexExpr:
		fun = x.X
	case *ast.IndexListExpr:
		fun = x.X
	}
	return RefIdent(fun)
}

// selectorOf returns fun as a selector expression, or nil.
func selectorOf(fun ast.Expr) *ast.SelectorExpr {
	sel, _ := ast.Unparen(fun).(*ast.SelectorExpr)
	return sel
}

// isSame reports whether obj is fn or an instance of it.
func isSame(obj types.Object, fn *types.Func) bool {
	other, ok := obj.(*types.Func)
	return ok && other.Origin() == fn
}

// anyRefersTo reports whether one of exprs refers to v.
func anyRefersTo(info *types.Info, exprs []ast.Expr, v *types.Var) bool {
	for _, e := range exprs {
		if e != nil && refersTo(info, e, v) {
			return true
		}
	}
	return false
}

// identExprs converts identifiers to expressions.
func identExprs(ids []*ast.Ident) []ast.Expr {
	exprs := make([]ast.Expr, len(ids))
	for i, id := range ids {
		exprs[i] = id
	}
	return exprs
}
