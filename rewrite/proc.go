package rewrite

import (
	"fmt"
	"go/ast"
	"go/types"
	"sort"
	"strings"

	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// A worker process had a process of its own: os.Args, the environment, the
// standard streams, the standard logger, the global flag set and os.Exit
// were all its own. The rewrite hands worker code those things as an
// *inprocProc (see the runtime) instead:
//
//	func handle(t task) {                     func handle(proc *inprocProc, t task) {
//		log.Printf("task %d", t.ID)      =>       proc.log.Printf("task %d", t.ID)
//		if t.Bad {                                if t.Bad {
//			fmt.Fprintln(os.Stderr, "bad")            fmt.Fprintln(proc.stderr, "bad")
//			os.Exit(3)                                proc.exit(3)
//		}                                         }
//	}                                         }
//
// Every function on the way from the role's branch to such a use gets the
// parameter. Where the branch itself calls one, main passes
// inprocProcess(), the process's own, so the binary still runs as a child;
// the role's function passes the worker's. Any other caller, such as a
// test, passes inprocProcess() too and sees what it saw before.

// procUse is one use of process state in worker code that the rewrite
// hands over as the worker's own.
type procUse struct {
	id   *ast.Ident // the identifier of the os, fmt, log or flag object
	call *ast.CallExpr
	to   string // what it becomes; see procTargets
}

// procTargets maps the process state that the rewrite can hand over, by
// package path and name, to what it becomes. "field" names replace the
// object, "method()" names replace the function of a call, "Fprint"-style
// names become the fmt function writing to the stream given after the
// colon, and "=expr" replaces a whole call.
var procTargets = map[string]map[string]string{
	"os": {
		"Args":      "args",
		"Stdin":     "stdin",
		"Stdout":    "stdout",
		"Stderr":    "stderr",
		"Exit":      "exit()",
		"Getenv":    "getenv()",
		"LookupEnv": "lookupEnv()",
		"Environ":   "environ()",
		"NewFile":   "newFile()",
	},
	"fmt": {
		"Print":   "Fprint:stdout",
		"Printf":  "Fprintf:stdout",
		"Println": "Fprintln:stdout",
		"Scan":    "Fscan:stdin",
		"Scanf":   "Fscanf:stdin",
		"Scanln":  "Fscanln:stdin",
	},
	"log": {
		"Print":     "log.Print()",
		"Printf":    "log.Printf()",
		"Println":   "log.Println()",
		"Panic":     "log.Panic()",
		"Panicf":    "log.Panicf()",
		"Panicln":   "log.Panicln()",
		"Fatal":     "fatal()",
		"Fatalf":    "fatalf()",
		"Fatalln":   "fatalln()",
		"Output":    "log.Output()",
		"SetOutput": "log.SetOutput()",
		"SetFlags":  "log.SetFlags()",
		"SetPrefix": "log.SetPrefix()",
		"Flags":     "log.Flags()",
		"Prefix":    "log.Prefix()",
		"Writer":    "log.Writer()",
		"Default":   "=log",
	},
	"flag": {
		"CommandLine": "flags",
		"Parse":       "parseFlags()",
		"Parsed":      "flags.Parsed()",
		"Args":        "flags.Args()",
		"Arg":         "flags.Arg()",
		"NArg":        "flags.NArg()",
		"NFlag":       "flags.NFlag()",
		"Bool":        "flags.Bool()",
		"BoolVar":     "flags.BoolVar()",
		"Int":         "flags.Int()",
		"IntVar":      "flags.IntVar()",
		"Int64":       "flags.Int64()",
		"Int64Var":    "flags.Int64Var()",
		"Uint":        "flags.Uint()",
		"UintVar":     "flags.UintVar()",
		"Uint64":      "flags.Uint64()",
		"Uint64Var":   "flags.Uint64Var()",
		"Float64":     "flags.Float64()",
		"Float64Var":  "flags.Float64Var()",
		"String":      "flags.String()",
		"StringVar":   "flags.StringVar()",
		"Duration":    "flags.Duration()",
		"DurationVar": "flags.DurationVar()",
		"Func":        "flags.Func()",
		"BoolFunc":    "flags.BoolFunc()",
		"Var":         "flags.Var()",
		"TextVar":     "flags.TextVar()",
		"Set":         "flags.Set()",
		"Lookup":      "flags.Lookup()",
		"Visit":       "flags.Visit()",
		"VisitAll":    "flags.VisitAll()",
	},
}

// procPlan is how one role's worker code gets its process state.
type procPlan struct {
	branch []procUse       // uses in the role's branch, converted in its copy only
	uses   []procUse       // uses in functions the branch runs
	path   []*ast.FuncDecl // functions that get the parameter
	notes  []string

	// Function literals that worker code starts with go statements: a
	// panic there ended the worker's process, so each gets
	// defer proc.contain() to end just the worker (see the runtime).
	branchLits []*ast.FuncLit
	lits       []*ast.FuncLit
	goFuncs    []*ast.FuncDecl // functions only ever started by go statements, contained the same way
}

// envIsPerWorker reports whether the environment a worker reads may differ
// from the parent's current one: a spawn sets exec.Cmd.Env, or code
// outside worker code changes the environment. Otherwise reads of the
// environment are left as they are: the process's is the one the child
// inherited.
func envIsPerWorker(x *pkgIndex, d *workers.Dispatch, reach []*ast.FuncDecl) bool {
	if get, set := parentSetenv(x, d, reach); get != nil && set != nil {
		return true
	}
	for obj, ids := range x.uses {
		v, ok := obj.(*types.Var)
		if !ok || !v.IsField() || v.Name() != "Env" || v.Pkg() == nil || v.Pkg().Path() != "os/exec" {
			continue
		}
		for _, id := range ids {
			if !x.isTestFile(id) {
				return true
			}
		}
	}
	for _, f := range x.files {
		found := false
		ast.Inspect(f, func(n ast.Node) bool {
			if kv, ok := n.(*ast.KeyValueExpr); ok {
				if key, ok := kv.Key.(*ast.Ident); ok && key.Name == "Env" {
					if v, ok := x.info.Uses[key].(*types.Var); ok && v.IsField() && v.Pkg() != nil && v.Pkg().Path() == "os/exec" {
						found = true
					}
				}
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// procUseOf returns how the rewrite hands over the process state id refers
// to, or ok false if it is not state the rewrite hands over. why is set
// when it is such state but used in a way the rewrite cannot follow.
func procUseOf(x *pkgIndex, id *ast.Ident, env bool) (use procUse, ok bool, why string) {
	obj := x.info.Uses[id]
	if obj == nil || obj.Pkg() == nil || obj.Parent() != obj.Pkg().Scope() {
		return procUse{}, false, ""
	}
	to, found := procTargets[obj.Pkg().Path()][obj.Name()]
	if !found {
		if env && obj.Pkg().Path() == "os" && obj.Name() == "ExpandEnv" {
			return procUse{}, false, fmt.Sprintf("worker code uses os.ExpandEnv at %s, which reads the parent's environment, not the worker's; os.Expand(s, os.Getenv) would be handed the worker's", x.pos(enclosingSel(x, id).Pos()))
		}
		return procUse{}, false, ""
	}
	switch obj.Name() {
	case "Getenv", "LookupEnv", "Environ":
		if !env {
			return procUse{}, false, ""
		}
	}
	use = procUse{id: id, to: to}
	if to == "flags" {
		// flag.CommandLine.Parse exits on a bad flag; the worker's flag
		// set returns the error, so the call must exit for it.
		if sel, ok := x.parent[enclosingSel(x, id)].(*ast.SelectorExpr); ok && sel.Sel.Name == "Parse" {
			if call, ok := x.parent[sel].(*ast.CallExpr); ok && call.Fun == ast.Expr(sel) {
				return procUse{id: id, call: call, to: "parseFlagsFrom()"}, true, ""
			}
		}
	}
	if _, isFunc := obj.(*types.Func); !isFunc {
		return use, true, ""
	}
	call, isCall := x.parent[enclosingSel(x, id)].(*ast.CallExpr)
	if !isCall || call.Fun != enclosingSel(x, id) {
		return procUse{}, false, fmt.Sprintf("worker code uses %s as a value at %s, where the rewrite cannot hand it the worker's own", objName(obj), x.pos(id.Pos()))
	}
	use.call = call
	return use, true, ""
}

// planProc finds the process state worker code uses and how each use is
// handed over; it returns why it cannot when some use cannot be.
func planProc(x *pkgIndex, s *workers.Spawn, d *workers.Dispatch, reach []*ast.FuncDecl) (*procPlan, string) {
	env := envIsPerWorker(x, d, reach)
	p := &procPlan{}
	replaced := map[*ast.Ident]bool{}
	for _, st := range d.Body {
		for id := range branchReplacements(x, st) {
			replaced[id] = true
		}
	}
	var why string
	collect := func(n ast.Node, into *[]procUse, lits *[]*ast.FuncLit) {
		ast.Inspect(n, func(n ast.Node) bool {
			if g, ok := n.(*ast.GoStmt); ok {
				if lit, ok := g.Call.Fun.(*ast.FuncLit); ok {
					*lits = append(*lits, lit)
				}
			}
			id, ok := n.(*ast.Ident)
			if !ok || replaced[id] || why != "" {
				return why == ""
			}
			use, ok, w := procUseOf(x, id, env)
			if w != "" {
				why = w
			}
			if ok {
				*into = append(*into, use)
			}
			return why == ""
		})
	}
	for _, st := range d.Body {
		collect(st, &p.branch, &p.branchLits)
	}
	refs := map[*ast.FuncDecl]bool{}
	for _, fd := range goOnlyFuncs(x, d, reach) {
		p.goFuncs = append(p.goFuncs, fd)
		refs[fd] = true
	}
	for _, fd := range reach {
		n, m := len(p.uses), len(p.lits)
		collect(fd.Body, &p.uses, &p.lits)
		if len(p.uses) > n || len(p.lits) > m {
			refs[fd] = true
		}
	}
	if why != "" {
		return nil, why
	}
	if len(p.branch) == 0 && len(p.uses) == 0 && len(p.branchLits) == 0 && len(p.lits) == 0 && len(p.goFuncs) == 0 {
		return p, ""
	}
	if why := checkExits(x, d, reach, append(p.branch, p.uses...)); why != "" {
		return nil, why
	}
	if why := checkLogSetup(x, d, reach, append(p.branch, p.uses...)); why != "" {
		return nil, why
	}

	p.path = pathTo(x, nil, reach, refs)
	inPath := map[*ast.FuncDecl]bool{}
	for _, fd := range p.path {
		inPath[fd] = true
	}
	for _, fd := range p.path {
		name := fd.Name.Name
		switch {
		case fd.Recv != nil:
			return nil, fmt.Sprintf("worker code uses the process's own state (%s) through the method %s, whose signature the rewrite does not change", procName(x, p), name)
		case fd.Name.IsExported() && x.pkg.Name != "main":
			return nil, fmt.Sprintf("worker code uses the process's own state (%s) through %s, which other packages may call", procName(x, p), name)
		case x.isGenerated(fd):
			return nil, fmt.Sprintf("worker code uses the process's own state (%s) through %s, which is in a generated file", procName(x, p), name)
		}
		if file, ok := x.otherBuilds()[name]; ok {
			return nil, fmt.Sprintf("worker code uses the process's own state through %s, and %s names it but is built only for other platforms or tags", name, file)
		}
		for _, id := range x.uses[x.info.Defs[fd.Name]] {
			call, ok := x.parent[enclosingSel(x, id)].(*ast.CallExpr)
			if !ok || call.Fun != enclosingSel(x, id) {
				return nil, fmt.Sprintf("worker code uses the process's own state through %s, which is used as a value at %s", name, x.pos(id.Pos()))
			}
		}
	}
	sort.Slice(p.path, func(i, j int) bool { return p.path[i].Pos() < p.path[j].Pos() })
	for _, u := range append(p.branch, p.uses...) {
		if !exits(u) {
			continue
		}
		what := objName(x.info.Uses[u.id])
		at := x.pos(enclosingSel(x, u.id).Pos())
		if u.to == "parseFlags()" || u.to == "parseFlagsFrom()" {
			what = "a bad flag parsed"
		}
		p.notes = append(p.notes, fmt.Sprintf("%s at %s now ends only the %q worker, running its deferred calls first, which os.Exit skipped",
			what, at, s.Role))
		break
	}
	return p, ""
}

// procName lists the process state of p for a reason: "os.Stdout, log.Printf".
func procName(x *pkgIndex, p *procPlan) string {
	seen := map[string]bool{}
	var names string
	for _, u := range append(p.branch, p.uses...) {
		n := objName(x.info.Uses[u.id])
		if seen[n] {
			continue
		}
		seen[n] = true
		if names != "" {
			names += ", "
		}
		names += n
	}
	return names
}

// exits reports whether u may end the worker.
func exits(u procUse) bool {
	switch u.to {
	case "exit()", "fatal()", "fatalf()", "fatalln()", "parseFlags()", "parseFlagsFrom()":
		return true
	}
	return false
}

// checkExits returns why an exit in worker code cannot end the worker
// alone. The worker's exit unwinds its goroutine to the runtime, so it
// must happen on that goroutine and nothing on the way may recover it.
func checkExits(x *pkgIndex, d *workers.Dispatch, reach []*ast.FuncDecl, uses []procUse) string {
	var exiting []procUse
	for _, u := range uses {
		if exits(u) {
			exiting = append(exiting, u)
		}
	}
	if len(exiting) == 0 {
		return ""
	}
	// Functions started by go statements in worker code, and function
	// literals, may run on another goroutine.
	var goRoots []ast.Node
	var lits []*ast.FuncLit
	var recovers []*ast.Ident
	for _, n := range append(stmtNodes(d.Body), funcBodies(reach)...) {
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt:
				goRoots = append(goRoots, n.Call.Fun)
			case *ast.FuncLit:
				lits = append(lits, n)
			case *ast.Ident:
				if b, ok := x.info.Uses[n].(*types.Builtin); ok && b.Name() == "recover" {
					recovers = append(recovers, n)
				}
			}
			return true
		})
	}
	first := exiting[0]
	name := objName(x.info.Uses[first.id])
	if len(recovers) > 0 {
		return fmt.Sprintf("worker code calls %s at %s and recovers panics at %s, which would stop the worker's exit", name, x.pos(enclosingSel(x, first.id).Pos()), x.pos(recovers[0].Pos()))
	}
	// A function value may be called anywhere, on any goroutine: so may
	// whatever a function literal reaches.
	onGo := map[*ast.FuncDecl]bool{}
	for _, fd := range x.reachable(goRoots) {
		onGo[fd] = true
	}
	litRoots := make([]ast.Node, len(lits))
	for i, lit := range lits {
		litRoots[i] = lit
	}
	inLit := map[*ast.FuncDecl]bool{}
	for _, fd := range x.reachable(litRoots) {
		inLit[fd] = true
	}
	for _, u := range exiting {
		fd := x.enclosingFunc(u.id)
		what, at := objName(x.info.Uses[u.id]), x.pos(enclosingSel(x, u.id).Pos())
		switch {
		case onGo[fd]:
			return fmt.Sprintf("worker code calls %s at %s in %s, which runs on a goroutine that worker code starts: it would end the process, not the worker", what, at, fd.Name.Name)
		case inLit[fd]:
			return fmt.Sprintf("worker code calls %s at %s in %s, which a function literal calls: it may run on a goroutine other than the worker's", what, at, fd.Name.Name)
		}
		for _, lit := range lits {
			if lit.Pos() <= u.id.Pos() && u.id.End() <= lit.End() {
				return fmt.Sprintf("worker code calls %s at %s inside a function literal, which may run on a goroutine other than the worker's", what, at)
			}
		}
	}
	return ""
}

// checkLogSetup returns why the worker's logger cannot start as the
// child's did. The runtime copies the prefix and flags of the parent's
// standard logger when the worker starts, which is what the child had if
// only main, before choosing a role, or init set them.
func checkLogSetup(x *pkgIndex, d *workers.Dispatch, reach []*ast.FuncDecl, uses []procUse) string {
	usesLog := false
	for _, u := range uses {
		if obj := x.info.Uses[u.id]; obj.Pkg().Path() == "log" {
			usesLog = true
		}
	}
	if !usesLog {
		return ""
	}
	inReach := map[*ast.FuncDecl]bool{}
	for _, fd := range reach {
		inReach[fd] = true
	}
	for _, name := range []string{"SetFlags", "SetPrefix", "SetOutput"} {
		for obj, ids := range x.uses {
			if obj.Pkg() == nil || obj.Pkg().Path() != "log" || obj.Name() != name || obj.Parent() != obj.Pkg().Scope() {
				continue
			}
			for _, id := range ids {
				fd := x.enclosingFunc(id)
				switch {
				case fd == nil || inReach[fd] || inBranch(d, id) || x.isTestFile(id):
				case fd.Recv == nil && fd.Name.Name == "init":
				case fd == d.Func && id.Pos() < d.Node.Pos():
				default:
					return fmt.Sprintf("worker code logs through the standard logger, which log.%s at %s changes after the binary chose its role: a child never ran it",
						name, x.pos(id.Pos()))
				}
			}
		}
	}
	return ""
}

// procParam is the name of the *inprocProc parameter: proc, unless the
// package already uses that name somewhere.
func (e *editor) procParam() string {
	if e.procName != "" {
		return e.procName
	}
	used := map[string]bool{}
	for _, f := range e.x.files {
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				used[id.Name] = true
			}
			return true
		})
	}
	e.procName = fresh("proc", used, e.taken)
	return e.procName
}

// threadProc gives the functions of p's path the *inprocProc parameter,
// passes it at their calls, and replaces the uses in them. Calls in the
// role's branch pass inprocProcess(), which the branch's copy in the role
// function replaces with its own parameter (see copyBranch).
func (e *editor) threadProc(p *procPlan) {
	name := e.procParam()
	for _, fd := range p.path {
		fn := e.x.info.Defs[fd.Name]
		if e.procFuncs[fn] {
			continue
		}
		e.procFuncs[fn] = true
		slot := e.params[fn]
		e.params[fn]++
		dfd := e.dstOf(fd).(*dst.FuncDecl)
		field := &dst.Field{
			Names: []*dst.Ident{{Name: name}},
			Type:  &dst.StarExpr{X: &dst.Ident{Name: "inprocProc"}},
		}
		list := dfd.Type.Params.List
		dfd.Type.Params.List = append(list[:slot:slot], append([]*dst.Field{field}, list[slot:]...)...)
		e.touch(fd)

		for _, id := range e.x.uses[fn] {
			call := e.x.parent[enclosingSel(e.x, id)].(*ast.CallExpr)
			var arg dst.Expr
			if caller := e.x.enclosingFunc(call); caller != nil && contains(p.path, caller) {
				arg = &dst.Ident{Name: name}
			} else {
				arg = &dst.CallExpr{Fun: &dst.Ident{Name: "inprocProcess"}}
				e.procArgs[arg] = true
			}
			dc := e.dstOf(call).(*dst.CallExpr)
			dc.Args = append(dc.Args[:slot:slot], append([]dst.Expr{arg}, dc.Args[slot:]...)...)
			e.touch(call)
		}
	}
	for _, u := range p.uses {
		if !e.procDone[u.id] {
			e.procDone[u.id] = true
			e.replaceProcUse(u, name)
		}
	}
	for _, lit := range p.lits {
		if !e.procDone[lit] {
			e.procDone[lit] = true
			containLit(e.dstOf(lit).(*dst.FuncLit), name)
			e.touch(lit)
		}
	}
	for _, fd := range p.goFuncs {
		if !e.procDone[fd] {
			e.procDone[fd] = true
			dfd := e.dstOf(fd).(*dst.FuncDecl)
			containLit(&dst.FuncLit{Body: dfd.Body}, name)
			e.touch(fd)
		}
	}
}

// goOnlyFuncs returns the plain functions that worker code starts with go
// statements and that nothing uses in any other way: each can defer
// proc.contain() itself. A function also called directly is left alone,
// since containing it there would let its caller go on after a panic.
func goOnlyFuncs(x *pkgIndex, d *workers.Dispatch, reach []*ast.FuncDecl) []*ast.FuncDecl {
	var out []*ast.FuncDecl
	seen := map[*ast.FuncDecl]bool{}
	for _, n := range append(stmtNodes(d.Body), funcBodies(reach)...) {
		ast.Inspect(n, func(n ast.Node) bool {
			g, ok := n.(*ast.GoStmt)
			if !ok {
				return true
			}
			id, ok := ast.Unparen(g.Call.Fun).(*ast.Ident)
			if !ok {
				return true
			}
			fn, ok := x.info.Uses[id].(*types.Func)
			if !ok {
				return true
			}
			fd := x.calls.Decl(fn)
			if fd == nil || seen[fd] || fd.Recv != nil || fd.Body == nil || fd.Name.IsExported() && x.pkg.Name != "main" || x.isGenerated(fd) {
				return true
			}
			for _, use := range x.uses[fn] {
				g, ok := x.parent[x.parent[use]].(*ast.GoStmt)
				if !ok || g.Call.Fun != ast.Expr(use) {
					return true
				}
			}
			seen[fd] = true
			out = append(out, fd)
			return true
		})
	}
	return out
}

// containLit makes lit, started by a go statement in worker code, end the
// worker when it panics: defer proc.contain() as its first statement.
func containLit(lit *dst.FuncLit, proc string) {
	def := &dst.DeferStmt{Call: &dst.CallExpr{Fun: &dst.SelectorExpr{X: &dst.Ident{Name: proc}, Sel: &dst.Ident{Name: "contain"}}}}
	def.Decs.Before = dst.NewLine
	def.Decs.After = dst.NewLine
	lit.Body.List = append([]dst.Stmt{def}, lit.Body.List...)
}

// replaceProcUse replaces one use in place.
func (e *editor) replaceProcUse(u procUse, proc string) {
	var target dst.Node
	if u.call != nil {
		target = e.dstOf(u.call)
	} else {
		target = e.dstOf(u.id)
	}
	fd := e.dstOf(e.x.enclosingFunc(u.id))
	dstutil.Apply(fd, func(c *dstutil.Cursor) bool {
		if c.Node() == target {
			c.Replace(procReplacement(u, proc)(c.Node()))
			return false
		}
		return true
	}, nil)
	e.touch(u.id)
}

// procReplacement returns what the node of u becomes, as a function of the
// node: the use itself, or its call.
func procReplacement(u procUse, proc string) func(dst.Node) dst.Node {
	sel := func(path ...string) dst.Expr {
		var x dst.Expr = &dst.Ident{Name: proc}
		for _, p := range path {
			x = &dst.SelectorExpr{X: x, Sel: &dst.Ident{Name: p}}
		}
		return x
	}
	to := u.to
	return func(n dst.Node) dst.Node {
		if u.call == nil {
			old := n.(*dst.Ident)
			x := sel(to)
			x.(*dst.SelectorExpr).Decs.NodeDecs = old.Decs.NodeDecs
			return x
		}
		call := n.(*dst.CallExpr)
		switch {
		case to[0] == '=':
			x := sel(to[1:])
			x.(*dst.SelectorExpr).Decs.NodeDecs = call.Decs.NodeDecs
			return x
		case to[len(to)-2:] == "()":
			path := strings.Split(to[:len(to)-2], ".")
			call.Fun = sel(path...)
		default:
			// fmt.Println(a...) => fmt.Fprintln(proc.stdout, a...)
			fn, stream, _ := strings.Cut(to, ":")
			call.Fun = &dst.Ident{Name: fn, Path: "fmt"}
			call.Args = append([]dst.Expr{sel(stream)}, call.Args...)
		}
		return call
	}
}
