package rewrite

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
	"unicode"

	"github.com/dave/dst"
	"github.com/dave/dst/decorator"
	"github.com/dave/dst/dstutil"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// editor applies the plans of one package to a fresh decoration of its
// files. It never touches the go/ast files the plans were made from, so a
// failed attempt can be thrown away and another made.
type editor struct {
	x       *pkgIndex
	dec     *decorator.Decorator
	files   map[*ast.File]*dst.File
	changed map[*dst.File]bool
	taken   map[string]bool // names in the package scope and those given out
	roles   map[*workers.Dispatch]string
	privs   map[*types.Var]bool
	shared  map[*types.Var]bool   // shared variables made safe
	moved   map[*dst.FuncDecl]int // declarations moved to the top of each
	params  map[types.Object]int  // parameters added in front of each

	procName  string                // name of the *inprocProc parameter, once chosen
	procFuncs map[types.Object]bool // functions given the parameter
	procArgs  map[dst.Expr]bool     // inprocProcess() passed in a role's branch
	procDone  map[ast.Node]bool     // uses replaced and literals contained

	cgoMu     string                 // name of the package's cgo lock, once declared
	cgoLocked map[*ast.FuncDecl]bool // functions that hold it

	inBranch map[*workers.Dispatch][]dst.Stmt // declarations moved into each role's branch
	aliases  map[*dst.File]map[string]string  // second imports of a path, for new code
}

func newEditor(x *pkgIndex) (*editor, error) {
	e := &editor{
		x:       x,
		dec:     decorator.NewDecoratorFromPackage(x.pkg),
		files:   map[*ast.File]*dst.File{},
		changed: map[*dst.File]bool{},
		taken:   map[string]bool{},
		roles:   map[*workers.Dispatch]string{},
		privs:   map[*types.Var]bool{},
		shared:  map[*types.Var]bool{},
		moved:   map[*dst.FuncDecl]int{},
		params:  map[types.Object]int{},

		procFuncs: map[types.Object]bool{},
		procArgs:  map[dst.Expr]bool{},
		procDone:  map[ast.Node]bool{},
		cgoLocked: map[*ast.FuncDecl]bool{},
		inBranch:  map[*workers.Dispatch][]dst.Stmt{},
		aliases:   map[*dst.File]map[string]string{},
	}
	for _, f := range x.files {
		df, err := e.dec.DecorateFile(f)
		if err != nil {
			return nil, fmt.Errorf("decorate %s: %w", x.fset.Position(f.Pos()).Filename, err)
		}
		e.files[f] = df
	}
	for _, name := range x.pkg.Types.Scope().Names() {
		e.taken[name] = true
	}
	return e, nil
}

// fresh returns base, or base with the smallest numeric suffix, that is
// neither taken in the package nor used in avoid.
func fresh(base string, taken ...map[string]bool) string {
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s%d", base, i)
		}
		free := true
		for _, t := range taken {
			free = free && !t[name]
		}
		if free {
			return name
		}
	}
}

// dstOf returns the decorated node for an ast node. A qualified identifier
// such as os.Args is one *dst.Ident, made from its selector.
func (e *editor) dstOf(n ast.Node) dst.Node {
	if id, ok := n.(*ast.Ident); ok {
		if sel, ok := e.x.parent[id].(*ast.SelectorExpr); ok && sel.Sel == id {
			if d, ok := e.dec.Dst.Nodes[sel]; ok {
				if did, ok := d.(*dst.Ident); ok && did.Path != "" {
					return did
				}
			}
		}
	}
	d, ok := e.dec.Dst.Nodes[n]
	if !ok {
		panic(fmt.Sprintf("rewrite: no decorated node for %T at %s", n, e.x.pos(n.Pos())))
	}
	return d
}

func (e *editor) fileOf(n ast.Node) (*ast.File, *dst.File) {
	for af, df := range e.files {
		if af.FileStart <= n.Pos() && n.Pos() <= af.FileEnd {
			return af, df
		}
	}
	panic(fmt.Sprintf("rewrite: no file holds %s", e.x.pos(n.Pos())))
}

func (e *editor) touch(n ast.Node) {
	_, df := e.fileOf(n)
	e.changed[df] = true
}

// convertSpawn replaces the spawn with an in-process command that runs the
// role's function:
//
//	exec.CommandContext(ctx, exe, "agent", "-id", id)
//	=> newInprocCmd(ctx, runAgentRole, exe, "agent", "-id", id)
//
// The arguments are evaluated where they were, so the worker sees the argv
// the child would have seen. exec.Command gets context.Background().
func (e *editor) convertSpawn(p *sitePlan) {
	s := p.spawn
	role := e.roleFunc(p)
	call := e.dstOf(s.Call).(*dst.CallExpr)
	var ctx dst.Expr
	if s.Ctx != nil {
		ctx = call.Args[0]
		call.Args = call.Args[1:]
		// A comment after the context, as in (ctx, /* self */ exe), is
		// about the next argument: keep it there, not before the role.
		keepCommentsAfter(ctx, call.Args)
	} else {
		ctx = &dst.CallExpr{Fun: &dst.Ident{Name: "Background", Path: "context"}}
		_, df := e.fileOf(s.Call)
		e.qualifyAt(s.Call, df, "context") // a local may be named context
	}
	call.Fun = &dst.Ident{Name: "newInprocCmd"}
	call.Args = append([]dst.Expr{ctx, &dst.Ident{Name: role}}, call.Args...)
	e.touch(s.Call)
}

// roleFunc returns the function that runs the role of p, writing it after
// the function that spawns the worker the first time a role needs it:
//
//	if len(os.Args) > 1 && os.Args[1] == "agent" {      func runAgentRole(proc *inprocProc) error {
//		if err := serve(os.Args[2:], os.Stdin, ...); ... =>  if err := serve(proc.args[2:], proc.stdin, ...); ...
//		os.Exit(1) / return                                   return inprocExit(1) / return nil
//	}                                                     }
//
// The branch stays in main, so the binary still runs as a child when asked;
// the function is a copy in which os.Args, the standard streams and os.Exit
// are the ones the in-process worker is given.
func (e *editor) roleFunc(p *sitePlan) string {
	d := p.dispatch
	if name, ok := e.roles[d]; ok {
		return name
	}
	used := map[string]bool{}
	for _, st := range d.Body {
		ast.Inspect(st, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				used[id.Name] = true
			}
			return true
		})
	}
	// Not e.taken alone: a local of the spawning function, such as a
	// parameter runAgentRole, would hide the function where it is passed.
	name := fresh("run"+exportName(roleWord(d))+"Role", e.taken, e.identNames())
	e.taken[name] = true
	e.roles[d] = name
	proc := e.procParam()

	body := append(e.branchDecls(d), e.copyBranch(d, proc, p.proc)...)
	body[0].Decorations().Before = dst.NewLine
	if !terminates(e.x, d.Body[len(d.Body)-1]) {
		// The branch ends its function by being last in it: so does the copy.
		ret := &dst.ReturnStmt{Results: []dst.Expr{&dst.Ident{Name: "nil"}}}
		ret.Decs.Before = dst.NewLine
		body = append(body, ret)
	}

	fd := &dst.FuncDecl{
		Name: &dst.Ident{Name: name},
		Type: &dst.FuncType{
			Params: &dst.FieldList{List: []*dst.Field{
				{Names: []*dst.Ident{{Name: proc}}, Type: &dst.StarExpr{X: &dst.Ident{Name: "inprocProc"}}},
			}},
			Results: &dst.FieldList{List: []*dst.Field{{Type: &dst.Ident{Name: "error"}}}},
		},
		Body: &dst.BlockStmt{List: body},
	}
	fd.Decs.Before = dst.EmptyLine
	fd.Decs.After = dst.EmptyLine
	fd.Decs.Start = commentLines(fmt.Sprintf("%s runs the %q role in-process. It does what %s does when "+
		"the binary is started as that role, with os.Args, the standard streams and os.Exit "+
		"replaced by the worker's own, which %s holds, and the status it returns.", name, roleLabel(d), d.Func.Name.Name, proc))

	// Place it after the function that spawns the worker.
	spawnFunc := p.spawn.Func
	_, df := e.fileOf(spawnFunc)
	at := len(df.Decls)
	for i, decl := range df.Decls {
		if decl == e.dstOf(spawnFunc) {
			at = i + 1
		}
	}
	df.Decls = append(df.Decls[:at], append([]dst.Decl{fd}, df.Decls[at:]...)...)
	e.changed[df] = true
	return name
}

// commentLines wraps text into // comment lines of at most 80 columns.
func commentLines(text string) dst.Decorations {
	var out dst.Decorations
	line := "//"
	for _, word := range strings.Fields(text) {
		if len(line)+1+len(word) > 80 && line != "//" {
			out = append(out, line)
			line = "//"
		}
		line += " " + word
	}
	return append(out, line)
}

// copyBranch returns a copy of the statements of d's branch in which
// os.Args and the standard streams are the worker's own, held by proc,
// os.Exit(code) is return inprocExit(code) and a bare return is return
// nil; the uses of pp are handed over too, and inprocProcess() passed to a
// function becomes proc. The copy is matched to the original node by
// node, by their order in the tree, to find what to replace.
func (e *editor) copyBranch(d *workers.Dispatch, proc string, pp *procPlan) []dst.Stmt {
	repl := map[dst.Node]func(dst.Node) dst.Node{}
	subst := map[string]string{"Args": "args", "Stdin": "stdin", "Stdout": "stdout", "Stderr": "stderr"}
	if pp != nil {
		for _, u := range pp.branch {
			target := e.dstOf(u.id)
			if u.call != nil {
				target = e.dstOf(u.call)
			}
			repl[target] = procReplacement(u, proc)
		}
		for _, lit := range pp.branchLits {
			repl[e.dstOf(lit)] = func(n dst.Node) dst.Node {
				containLit(n.(*dst.FuncLit), proc)
				return n
			}
		}
	}
	e.replaceRoleReads(d, proc, repl)
	for arg := range e.procArgs {
		repl[arg] = func(n dst.Node) dst.Node {
			return &dst.Ident{Name: proc, Decs: dst.IdentDecorations{NodeDecs: n.(*dst.CallExpr).Decs.NodeDecs}}
		}
	}
	for _, st := range d.Body {
		for id, what := range branchReplacements(e.x, st) {
			if what == "Exit" {
				stmt := e.dstOf(enclosingExprStmt(e.x, id))
				repl[stmt] = func(n dst.Node) dst.Node {
					old := n.(*dst.ExprStmt)
					x := old.X
					for p, ok := x.(*dst.ParenExpr); ok; p, ok = x.(*dst.ParenExpr) {
						x = p.X
					}
					code := x.(*dst.CallExpr).Args[0]
					r := &dst.ReturnStmt{Results: []dst.Expr{&dst.CallExpr{Fun: &dst.Ident{Name: "inprocExit"}, Args: []dst.Expr{code}}}}
					r.Decs.NodeDecs = old.Decs.NodeDecs
					return r
				}
				continue
			}
			field := subst[what]
			repl[e.dstOf(id)] = func(n dst.Node) dst.Node {
				old := n.(*dst.Ident)
				return &dst.SelectorExpr{X: &dst.Ident{Name: proc}, Sel: &dst.Ident{Name: field}, Decs: dst.SelectorExprDecorations{NodeDecs: old.Decs.NodeDecs}}
			}
		}
		ast.Inspect(st, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				repl[e.dstOf(n)] = func(n dst.Node) dst.Node {
					old := n.(*dst.ReturnStmt)
					return &dst.ReturnStmt{Results: []dst.Expr{&dst.Ident{Name: "nil"}}, Decs: old.Decs}
				}
			}
			return true
		})
	}
	var body []dst.Stmt
	for _, st := range d.Body {
		orig := e.dstOf(st).(dst.Stmt)
		cp := dst.Clone(orig).(dst.Stmt)
		pairs := map[dst.Node]dst.Node{}
		var a, b []dst.Node
		dst.Inspect(orig, func(n dst.Node) bool { a = append(a, n); return true })
		dst.Inspect(cp, func(n dst.Node) bool { b = append(b, n); return true })
		for i := range a {
			pairs[b[i]] = a[i]
		}
		cp = dstutil.Apply(cp, nil, func(c *dstutil.Cursor) bool {
			if f := repl[pairs[c.Node()]]; f != nil {
				c.Replace(f(c.Node()))
			}
			return true
		}).(dst.Stmt)
		body = append(body, cp)
	}
	return body
}

// enclosingExprStmt returns the statement that calls os.Exit through id;
// branchReplacements checked there is one.
func enclosingExprStmt(x *pkgIndex, id *ast.Ident) *ast.ExprStmt {
	for n := ast.Node(id); n != nil; n = x.parent[n] {
		if st, ok := n.(*ast.ExprStmt); ok {
			return st
		}
	}
	panic(fmt.Sprintf("rewrite: os.Exit at %s is not in a statement", x.pos(id.Pos())))
}

// enclosingSel returns the selector of a qualified identifier, or the
// identifier itself.
func enclosingSel(x *pkgIndex, id *ast.Ident) ast.Node {
	if sel, ok := x.parent[id].(*ast.SelectorExpr); ok && sel.Sel == id {
		return sel
	}
	return id
}

// exportName turns a role such as "agent" or "log-shipper" into "Agent" or
// "LogShipper".
func exportName(role string) string {
	var b strings.Builder
	up := true
	for _, r := range role {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 || !unicode.IsLetter([]rune(b.String())[0]) {
		return "Worker" + b.String()
	}
	return b.String()
}

// convertTyped swaps each JSON codec of a typed stream for the in-process
// one of the same message type, and turns Encode(&v) into Encode(v).
func (e *editor) convertTyped(p *sitePlan) {
	for _, ts := range p.typed {
		for _, c := range ts.codecs {
			ctor := e.dstOf(c.Ctor).(*dst.CallExpr)
			fn := "newInprocDecoder"
			if strings.HasSuffix(c.Kind, "Encoder") {
				fn = "newInprocEncoder"
			}
			ctor.Fun = &dst.IndexExpr{X: &dst.Ident{Name: fn}, Index: e.typeExpr(ts.typ)}
			e.touch(c.Ctor)
			_, df := e.fileOf(c.Ctor)
			dst.Inspect(ctor.Fun, func(n dst.Node) bool {
				if id, ok := n.(*dst.Ident); ok && id.Path != "" {
					e.qualifyAt(c.Ctor, df, id.Path) // a local may hide the package
				}
				return true
			})
			if fn != "newInprocEncoder" {
				continue
			}
			for _, call := range c.Calls {
				if u, ok := ast.Unparen(call.Args[0]).(*ast.UnaryExpr); ok && u.Op == token.AND {
					dc := e.dstOf(call).(*dst.CallExpr)
					// The comments around &v stay around v.
					dc.Args[0] = withDecorationsOf(e.dstOf(u.X).(dst.Expr), dc.Args[0])
					e.touch(call)
				}
			}
		}
	}
}

// typeExpr writes t as a type expression, qualified with its package path
// so the restorer imports what it needs.
func (e *editor) typeExpr(t types.Type) dst.Expr {
	switch t := types.Unalias(t).(type) {
	case *types.Basic:
		return &dst.Ident{Name: t.Name()}
	case *types.Named:
		id := &dst.Ident{Name: t.Obj().Name()}
		if pkg := t.Obj().Pkg(); pkg != nil && pkg != e.x.pkg.Types {
			id.Path = pkg.Path()
		}
		if args := t.TypeArgs(); args != nil && args.Len() > 0 {
			var idx []dst.Expr
			for i := 0; i < args.Len(); i++ {
				idx = append(idx, e.typeExpr(args.At(i)))
			}
			return &dst.IndexListExpr{X: id, Indices: idx}
		}
		return id
	case *types.Pointer:
		return &dst.StarExpr{X: e.typeExpr(t.Elem())}
	case *types.Slice:
		return &dst.ArrayType{Elt: e.typeExpr(t.Elem())}
	case *types.Array:
		return &dst.ArrayType{Len: &dst.BasicLit{Kind: token.INT, Value: fmt.Sprint(t.Len())}, Elt: e.typeExpr(t.Elem())}
	case *types.Map:
		return &dst.MapType{Key: e.typeExpr(t.Key()), Value: e.typeExpr(t.Elem())}
	case *types.Chan:
		dir := dst.SEND | dst.RECV
		switch t.Dir() {
		case types.SendOnly:
			dir = dst.SEND
		case types.RecvOnly:
			dir = dst.RECV
		}
		return &dst.ChanType{Dir: dir, Value: e.typeExpr(t.Elem())}
	case *types.Interface:
		if t.Empty() {
			return &dst.Ident{Name: "any"}
		}
	}
	panic(fmt.Sprintf("rewrite: cannot write type %s", t))
}

// canWriteType reports whether typeExpr can write t.
func canWriteType(t types.Type, pkg *types.Package) bool {
	switch t := types.Unalias(t).(type) {
	case *types.Basic:
		return true
	case *types.Named:
		obj := t.Obj()
		if obj.Pkg() != nil && (obj.Parent() != obj.Pkg().Scope() || obj.Pkg() != pkg && !obj.Exported()) {
			return false // declared in a function, or not visible here
		}
		for i := 0; t.TypeArgs() != nil && i < t.TypeArgs().Len(); i++ {
			if !canWriteType(t.TypeArgs().At(i), pkg) {
				return false
			}
		}
		return true
	case *types.Pointer:
		return canWriteType(t.Elem(), pkg)
	case *types.Slice:
		return canWriteType(t.Elem(), pkg)
	case *types.Array:
		return canWriteType(t.Elem(), pkg)
	case *types.Map:
		return canWriteType(t.Key(), pkg) && canWriteType(t.Elem(), pkg)
	case *types.Chan:
		return canWriteType(t.Elem(), pkg)
	case *types.Interface:
		return t.Empty()
	}
	return false
}

// privatize moves a package variable into the worker's serving function and
// hands it down to the functions that use it; see privateVar.
func (e *editor) privatize(v *privateVar) {
	if e.privs[v.obj] {
		return
	}
	e.privs[v.obj] = true
	name := v.obj.Name()

	// Move the declaration, doc comment and all, to the top of root.
	_, df := e.fileOf(v.decl)
	gd := e.dstOf(v.decl).(*dst.GenDecl)
	for i, decl := range df.Decls {
		if decl == gd {
			df.Decls = append(df.Decls[:i], df.Decls[i+1:]...)
			break
		}
	}
	e.changed[df] = true
	stmt := &dst.DeclStmt{Decl: gd}
	stmt.Decs.Start, gd.Decs.Start = gd.Decs.Start, nil
	gd.Decs.Before, gd.Decs.After = dst.None, dst.None
	stmt.Decs.Before = dst.NewLine
	stmt.Decs.After = dst.EmptyLine
	if v.branch != nil {
		e.declareInBranch(v.branch, stmt)
	} else {
		root := e.dstOf(v.root).(*dst.FuncDecl)
		at := e.moved[root]
		e.moved[root]++
		if at > 0 {
			root.Body.List[at-1].Decorations().After = dst.NewLine
		}
		root.Body.List = append(root.Body.List[:at], append([]dst.Stmt{stmt}, root.Body.List[at:]...)...)
		e.touch(v.root)
	}

	// Give each function on the way a parameter, in front of the others
	// and after those added for earlier variables.
	inPath := map[types.Object]bool{}
	slot := map[types.Object]int{}
	for _, fd := range v.path {
		fn := e.x.info.Defs[fd.Name]
		inPath[fn] = true
		slot[fn] = e.params[fn]
		e.params[fn]++
		typ := e.typeExpr(v.obj.Type())
		if v.pointer {
			typ = &dst.StarExpr{X: typ}
		}
		dfd := e.dstOf(fd).(*dst.FuncDecl)
		field := &dst.Field{Names: []*dst.Ident{{Name: name}}, Type: typ}
		list := dfd.Type.Params.List
		i := slot[fn]
		dfd.Type.Params.List = append(list[:i:i], append([]*dst.Field{field}, list[i:]...)...)
		e.touch(fd)
	}

	// Pass it at every call, and dereference uses handed down by pointer.
	for id, obj := range e.x.info.Uses {
		switch {
		case inPath[obj]:
			call := e.x.parent[enclosingSel(e.x, id)].(*ast.CallExpr)
			var arg dst.Expr = &dst.Ident{Name: name}
			if v.pointer && v.atRoot(e.x, call) {
				arg = &dst.UnaryExpr{Op: token.AND, X: arg}
			}
			dc := e.dstOf(call).(*dst.CallExpr)
			i := slot[obj]
			dc.Args = append(dc.Args[:i:i], append([]dst.Expr{arg}, dc.Args[i:]...)...)
			e.touch(call)
		case obj == v.obj && v.pointer && !v.atRoot(e.x, id):
			if sel, ok := e.x.parent[id].(*ast.SelectorExpr); ok && sel.X == ast.Expr(id) {
				continue // p.f and p.m() dereference p by themselves
			}
			did := e.dstOf(id).(*dst.Ident)
			var deref dst.Expr = &dst.StarExpr{X: &dst.Ident{Name: name}, Decs: dst.StarExprDecorations{NodeDecs: did.Decs.NodeDecs}}
			if needsParens(e.x.parent[id], id) {
				deref = &dst.ParenExpr{X: deref}
			}
			e.replaceIdent(id, deref)
		}
	}
}

// needsParens reports whether *x in place of x, a child of parent, must be
// parenthesized to keep binding to x alone.
func needsParens(parent ast.Node, x ast.Expr) bool {
	switch p := parent.(type) {
	case *ast.IndexExpr:
		return p.X == x
	case *ast.IndexListExpr:
		return p.X == x
	case *ast.SliceExpr:
		return p.X == x
	case *ast.CallExpr:
		return p.Fun == x
	case *ast.TypeAssertExpr:
		return p.X == x
	}
	return false
}

// replaceIdent replaces the decorated node of id with n in its parent.
func (e *editor) replaceIdent(id *ast.Ident, n dst.Expr) {
	target := e.dstOf(id)
	fd := e.dstOf(e.x.enclosingFunc(id))
	dstutil.Apply(fd, func(c *dstutil.Cursor) bool {
		if c.Node() == target {
			c.Replace(n)
			return false
		}
		return true
	}, nil)
	e.touch(id)
}
