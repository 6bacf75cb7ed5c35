package pipeipc

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// checker holds what run derives once per package: the parent of every
// node, the references to every variable and field, and the declaration
// of every function.
type checker struct {
	pass    *analysis.Pass
	info    *types.Info
	parents map[ast.Node]ast.Node
	refs    map[types.Object][]ast.Expr // x, or s.x for a field
	decls   map[*types.Func]*ast.FuncDecl
}

func newChecker(pass *analysis.Pass) *checker {
	c := &checker{
		pass:    pass,
		info:    pass.TypesInfo,
		parents: make(map[ast.Node]ast.Node),
		refs:    make(map[types.Object][]ast.Expr),
		decls:   make(map[*types.Func]*ast.FuncDecl),
	}
	for _, f := range pass.Files {
		var stack []ast.Node
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return true
			}
			if len(stack) > 0 {
				c.parents[n] = stack[len(stack)-1]
			}
			stack = append(stack, n)
			switch n := n.(type) {
			case *ast.FuncDecl:
				if fn, ok := c.info.Defs[n.Name].(*types.Func); ok {
					c.decls[fn] = n
				}
			case *ast.Ident:
				c.addRef(n)
			}
			return true
		})
	}
	return c
}

// addRef records id as a reference to the variable or field it uses: the
// identifier itself, or the selector expression whose field it names.
func (c *checker) addRef(id *ast.Ident) {
	v, ok := c.info.Uses[id].(*types.Var)
	if !ok {
		return
	}
	var e ast.Expr = id
	if sel, ok := c.parents[id].(*ast.SelectorExpr); ok && sel.Sel == id {
		if s, ok := c.info.Selections[sel]; !ok || s.Kind() != types.FieldVal {
			return // a qualified identifier: pkg.Var
		}
		e = sel
	}
	c.refs[v] = append(c.refs[v], e)
}

// parent returns the parent of n, looking through parentheses.
func (c *checker) parent(n ast.Node) ast.Node {
	p := c.parents[n]
	for {
		paren, ok := p.(*ast.ParenExpr)
		if !ok {
			return p
		}
		p = c.parents[paren]
	}
}

// callee returns the function or method call invokes, or nil.
func (c *checker) callee(call *ast.CallExpr) *types.Func {
	fn, _ := typeutil.Callee(c.info, call).(*types.Func)
	return fn
}

// flow is every expression that holds one value: a stream, a codec built
// on one, a command. It follows the value through assignments to
// variables and struct fields, struct literals, wrappers such as
// bufio.NewReader, and calls of the package's functions into their
// parameters:
//
//	out, _ := cmd.StdoutPipe()             // the seed
//	p := &proc{out: bufio.NewReader(out)}  // bufio.NewReader(out), field proc.out
//	line, _ := p.out.ReadString('\n')      // p.out
//	go pump(out)                           // out, and pump's parameter
//
// It does not follow a value returned from a function or stored in a
// map, slice or channel.
type flow struct {
	c     *checker
	exprs []ast.Expr
	objs  map[types.Object]bool
	seen  map[ast.Expr]bool
}

// follow returns the flow of the value of the seed expressions and
// objects.
func (c *checker) follow(seeds []ast.Expr, objs ...types.Object) *flow {
	fl := &flow{c: c, objs: make(map[types.Object]bool), seen: make(map[ast.Expr]bool)}
	for _, o := range objs {
		fl.addObj(o)
	}
	for _, e := range seeds {
		fl.addExpr(e)
	}
	return fl
}

func (fl *flow) addObj(o types.Object) {
	if o == nil || fl.objs[o] {
		return
	}
	fl.objs[o] = true
	for _, e := range fl.c.refs[o] {
		fl.addExpr(e)
	}
}

func (fl *flow) addExpr(e ast.Expr) {
	if e == nil || fl.seen[e] {
		return
	}
	fl.seen[e] = true
	fl.exprs = append(fl.exprs, e)
	c := fl.c
	var child ast.Node = e
	for {
		paren, ok := c.parents[child].(*ast.ParenExpr)
		if !ok {
			break
		}
		child = paren
	}
	switch p := c.parents[child].(type) {
	case *ast.AssignStmt:
		if len(p.Rhs) == 1 && p.Rhs[0] == child && len(p.Lhs) > 1 {
			fl.addObj(c.objectOf(p.Lhs[0])) // out, err := cmd.StdoutPipe()
			return
		}
		if len(p.Lhs) != len(p.Rhs) {
			return
		}
		for i, r := range p.Rhs {
			if r == child {
				fl.addObj(c.objectOf(p.Lhs[i]))
			}
		}
	case *ast.ValueSpec:
		if len(p.Values) == 1 && p.Values[0] == child && len(p.Names) > 1 {
			fl.addObj(c.info.Defs[p.Names[0]])
			return
		}
		for i, v := range p.Values {
			if v == child && i < len(p.Names) && len(p.Names) == len(p.Values) {
				fl.addObj(c.info.Defs[p.Names[i]])
			}
		}
	case *ast.KeyValueExpr:
		if p.Value == child {
			if id, ok := p.Key.(*ast.Ident); ok {
				if v, ok := c.info.Uses[id].(*types.Var); ok && v.IsField() {
					fl.addObj(v)
				}
			}
		}
	case *ast.CompositeLit:
		fl.addObj(c.unkeyedField(p, child))
	case *ast.CallExpr:
		fl.intoCall(p, child)
	}
}

// intoCall follows the value, an argument of call, into the wrapper call
// builds or the parameter of the package's function that receives it.
func (fl *flow) intoCall(call *ast.CallExpr, arg ast.Node) {
	c := fl.c
	i := argIndex(call, arg)
	if i < 0 {
		return
	}
	fn := c.callee(call)
	if isWrapper(fn) && i == 0 {
		fl.addExpr(call)
		return
	}
	decl := c.decls[fn]
	if decl == nil || call.Ellipsis.IsValid() {
		return
	}
	sig := fn.Signature()
	if sig.Variadic() && i >= sig.Params().Len()-1 || i >= sig.Params().Len() {
		return
	}
	fl.addObj(sig.Params().At(i))
}

// argIndex returns the index of arg among the arguments of call, or -1.
func argIndex(call *ast.CallExpr, arg ast.Node) int {
	for i, a := range call.Args {
		if a == arg {
			return i
		}
	}
	return -1
}

// unkeyedField returns the field an element of an unkeyed struct literal
// initializes, or nil.
func (c *checker) unkeyedField(lit *ast.CompositeLit, elt ast.Node) types.Object {
	st, ok := typeOf(c.info, lit).Underlying().(*types.Struct)
	if !ok {
		return nil
	}
	for i, e := range lit.Elts {
		if e == elt && i < st.NumFields() {
			return st.Field(i)
		}
	}
	return nil
}

// typeOf returns the type of e, or of what e points to.
func typeOf(info *types.Info, e ast.Expr) types.Type {
	t := info.TypeOf(e)
	if t == nil {
		return types.Typ[types.Invalid]
	}
	if ptr, ok := types.Unalias(t).(*types.Pointer); ok {
		return ptr.Elem()
	}
	return t
}

// objectOf returns the variable or field e names, or nil.
func (c *checker) objectOf(e ast.Expr) types.Object {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if o := c.info.Defs[e]; o != nil {
			return o
		}
		if v, ok := c.info.Uses[e].(*types.Var); ok {
			return v
		}
	case *ast.SelectorExpr:
		if v, ok := c.info.Uses[e.Sel].(*types.Var); ok {
			return v
		}
	}
	return nil
}

// isWrapper reports whether fn wraps a stream in a buffer of its own
// without changing what crosses it.
func isWrapper(fn *types.Func) bool {
	for _, name := range []string{"NewReader", "NewReaderSize", "NewWriter", "NewWriterSize"} {
		if isFunc(fn, "bufio", name) {
			return true
		}
	}
	return false
}

// isFunc reports whether fn is the package-level function path.name.
func isFunc(fn *types.Func, path, name string) bool {
	return fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == path && fn.Name() == name &&
		fn.Signature().Recv() == nil
}

// isMethodOf reports whether fn is the method name of path.typ.
func isMethodOf(fn *types.Func, path, typ, name string) bool {
	if fn == nil || fn.Name() != name {
		return false
	}
	recv := fn.Signature().Recv()
	return recv != nil && isNamed(recv.Type(), path, typ)
}

// isNamed reports whether t, or what t points to, is path.name.
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

// methodCall returns the call of a method on e, e.M(...), and the method,
// or nil.
func (c *checker) methodCall(e ast.Expr) (*ast.CallExpr, *types.Func) {
	sel, ok := c.parent(e).(*ast.SelectorExpr)
	if !ok || sel.Sel == e {
		return nil, nil
	}
	call, ok := c.parent(sel).(*ast.CallExpr)
	if !ok || ast.Unparen(call.Fun) != sel {
		return nil, nil
	}
	return call, c.callee(call)
}

// enclosingFunc returns the declaration n is in, or nil.
func (c *checker) enclosingFunc(n ast.Node) *ast.FuncDecl {
	for p := c.parents[n]; p != nil; p = c.parents[p] {
		if fd, ok := p.(*ast.FuncDecl); ok {
			return fd
		}
	}
	return nil
}

// inFuncLit reports whether n is inside a function literal within fd.
func (c *checker) inFuncLit(n ast.Node, fd *ast.FuncDecl) bool {
	for p := c.parents[n]; p != nil && p != ast.Node(fd); p = c.parents[p] {
		if _, ok := p.(*ast.FuncLit); ok {
			return true
		}
	}
	return false
}

// inside reports whether n lies within the source range of outer.
func inside(n, outer ast.Node) bool {
	return outer != nil && n.Pos() >= outer.Pos() && n.End() <= outer.End()
}

// line returns the line of pos.
func (c *checker) line(pos token.Pos) int { return c.pass.Fset.Position(pos).Line }
