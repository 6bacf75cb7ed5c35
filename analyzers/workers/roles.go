package workers

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"
)

const cobraPath = "github.com/spf13/cobra"

// roles returns every role dispatch of the package in source order: ds,
// which it marks ViaArgs, and those on flags, environment variables,
// cobra subcommands and argv[0] registries. It sets the Entry of each.
func (f *finder) roles(ds []*Dispatch) []*Dispatch {
	out := make([]*Dispatch, 0, len(ds))
	for _, d := range ds {
		d.Via = ViaArgs
		out = append(out, d)
	}
	out = append(out, f.condDispatches()...)
	out = append(out, f.cobraDispatches()...)
	out = append(out, f.registryDispatches()...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Node.Pos() < out[j].Node.Pos() })
	for _, d := range out {
		f.entry(d)
	}
	return out
}

// flagVar is a variable that holds a flag of package flag: its value, or
// a pointer to it.
type flagVar struct {
	name   string
	isBool bool
	ptr    bool // the variable holds *T, as flag.Bool returns
}

// flagDefs returns the variables of the package's flags, when the package
// parses flags at all:
//
//	worker = flag.Bool("worker", false, "...")        *worker
//	role   = fs.String("role", "", "...")             *role
//	flag.BoolVar(&reaper, "reaper", false, "...")     reaper
func (f *finder) flagDefs() map[*types.Var]flagVar {
	if !imports(f.pkg, "flag") {
		return nil
	}
	defs := make(map[*types.Var]flagVar)
	parsed := false
	f.eachCall(func(call *ast.CallExpr, _ *ast.FuncDecl) {
		fn := callee(f.info, call)
		if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "flag" {
			return
		}
		if recv := fn.Signature().Recv(); recv != nil && !isNamed(recv.Type(), "flag", "FlagSet") {
			return
		}
		name := fn.Name()
		if name == "Parse" {
			parsed = true
			return
		}
		kind, isVar := strings.CutSuffix(name, "Var")
		if kind != "Bool" && kind != "String" {
			return
		}
		args := call.Args
		if isVar {
			if len(args) < 2 {
				return
			}
			key, ok := constString(f.info, args[1])
			u, isAddr := ast.Unparen(args[0]).(*ast.UnaryExpr)
			if !ok || !isAddr || u.Op != token.AND {
				return
			}
			if v, ok := objectOf(f.info, u.X).(*types.Var); ok {
				defs[v] = flagVar{name: key, isBool: kind == "Bool"}
			}
			return
		}
		if len(args) < 1 {
			return
		}
		key, ok := constString(f.info, args[0])
		if v := f.assigned[call]; ok && v != nil {
			defs[v] = flagVar{name: key, isBool: kind == "Bool", ptr: true}
		}
	})
	if !parsed {
		return nil // defined but never parsed: never set from the command line
	}
	return defs
}

// roleSource is what a role is read from: a flag or an environment
// variable.
type roleSource struct {
	via, key string
	isBool   bool
}

// sourceOf returns the flag or environment variable e reads, directly or
// through a local variable of fn given only that value (or ""):
//
//	*role   reaper   os.Getenv("ROLE")   r := os.Getenv("ROLE")
func (f *finder) sourceOf(e ast.Expr, fn *ast.FuncDecl, flags map[*types.Var]flagVar, depth int) (roleSource, bool) {
	e = ast.Unparen(e)
	if star, ok := e.(*ast.StarExpr); ok {
		if v, ok := objectOf(f.info, star.X).(*types.Var); ok {
			if fv, ok := flags[v]; ok && fv.ptr {
				return roleSource{ViaFlag, fv.name, fv.isBool}, true
			}
		}
		return roleSource{}, false
	}
	if call, ok := e.(*ast.CallExpr); ok {
		if isPkgFunc(callee(f.info, call), "os", "Getenv") && len(call.Args) == 1 {
			if key, ok := constString(f.info, call.Args[0]); ok {
				return roleSource{via: ViaEnv, key: key}, true
			}
		}
		return roleSource{}, false
	}
	v, ok := objectOf(f.info, e).(*types.Var)
	if !ok {
		return roleSource{}, false
	}
	if fv, ok := flags[v]; ok && !fv.ptr {
		return roleSource{ViaFlag, fv.name, fv.isBool}, true
	}
	if depth == 0 || fn == nil || !f.isLocal(v, fn) {
		return roleSource{}, false
	}
	as, ok := f.assignments(v)
	if !ok {
		return roleSource{}, false
	}
	var src roleSource
	found := false
	for _, a := range as {
		if s, ok := constString(f.info, a.rhs); ok && s == "" && a.tuple < 0 {
			continue // a default
		}
		s, ok := f.sourceOf(a.rhs, fn, flags, depth-1)
		if !ok || a.tuple >= 0 || (found && s != src) {
			return roleSource{}, false
		}
		src, found = s, true
	}
	return src, found
}

// sourceTest is one role a condition selects.
type sourceTest struct {
	roleSource
	role string
}

// sourceTests returns the flag and environment tests in cond, looking
// through parentheses, && and ||:
//
//	*role == "agent"   os.Getenv("ROLE") == "agent"   os.Getenv("WORKER") != ""   *worker
func (f *finder) sourceTests(cond ast.Expr, fn *ast.FuncDecl, flags map[*types.Var]flagVar) []sourceTest {
	cond = ast.Unparen(cond)
	if bin, ok := cond.(*ast.BinaryExpr); ok {
		switch bin.Op {
		case token.LAND, token.LOR:
			return append(f.sourceTests(bin.X, fn, flags), f.sourceTests(bin.Y, fn, flags)...)
		case token.EQL, token.NEQ:
			for _, pair := range [2][2]ast.Expr{{bin.X, bin.Y}, {bin.Y, bin.X}} {
				role, isConst := constString(f.info, pair[1])
				if !isConst {
					continue // err != nil, n > 0: not a role, whatever the other side reads
				}
				src, ok := f.sourceOf(pair[0], fn, flags, 1)
				switch {
				case !ok || src.isBool:
				case bin.Op == token.EQL && role != "":
					return []sourceTest{{src, role}}
				case bin.Op == token.NEQ && role == "" && src.via == ViaEnv:
					return []sourceTest{{src, ""}} // any value
				}
			}
		}
		return nil
	}
	if src, ok := f.sourceOf(cond, fn, flags, 1); ok && src.isBool {
		return []sourceTest{{src, "true"}}
	}
	return nil
}

// condDispatches returns the dispatches on flags and environment
// variables, in if statements and switches of function bodies:
//
//	flag.Parse()
//	if *worker { serve(os.Stdin, os.Stdout); return }
//	switch *role { case "agent": ...; os.Exit(0) }
//	switch os.Getenv("ROLE") { case "agent": ... }
//
// Unlike a role argument, a flag or variable is also read for options,
// so a branch counts only when it ends the program's other work: its last
// statement returns or exits, it has an else, or it is the function's
// last statement.
func (f *finder) condDispatches() []*Dispatch {
	flags := f.flagDefs()
	if len(flags) == 0 && !f.getenv {
		return nil // neither a flag nor os.Getenv to choose a role by
	}
	var out []*Dispatch
	add := func(tests []sourceTest, node ast.Node, body []ast.Stmt, stmt ast.Stmt, fn *ast.FuncDecl) {
		if len(tests) == 0 || !f.endsRole(body, stmt, fn) {
			return
		}
		for _, t := range tests {
			d := &Dispatch{Role: t.role, Via: t.via, Key: t.key, Node: node, Body: body, Func: fn}
			f.serve(d)
			out = append(out, d)
		}
	}
	for _, file := range f.files {
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.IfStmt:
					add(f.sourceTests(n.Cond, fn, flags), n, n.Body.List, n, fn)
				case *ast.SwitchStmt:
					for _, stmt := range n.Body.List {
						clause := stmt.(*ast.CaseClause)
						add(f.caseSourceTests(n.Tag, clause, fn, flags), clause, clause.Body, n, fn)
					}
				}
				return true
			})
		}
	}
	return out
}

// caseSourceTests returns the roles a case clause runs for, in a switch
// on a flag or variable or in a switch without tag.
func (f *finder) caseSourceTests(tag ast.Expr, clause *ast.CaseClause, fn *ast.FuncDecl, flags map[*types.Var]flagVar) []sourceTest {
	var tests []sourceTest
	if tag == nil {
		for _, e := range clause.List {
			tests = append(tests, f.sourceTests(e, fn, flags)...)
		}
		return tests
	}
	src, ok := f.sourceOf(tag, fn, flags, 1)
	if !ok || src.isBool {
		return nil
	}
	for _, e := range clause.List {
		if role, ok := constString(f.info, e); ok && role != "" {
			tests = append(tests, sourceTest{src, role})
		}
	}
	return tests
}

// endsRole reports whether a branch with body, in statement stmt of fn,
// keeps the rest of fn from running.
func (f *finder) endsRole(body []ast.Stmt, stmt ast.Stmt, fn *ast.FuncDecl) bool {
	if len(body) > 0 && f.terminates(body[len(body)-1]) {
		return true
	}
	if ifs, ok := stmt.(*ast.IfStmt); ok && ifs.Else != nil {
		return true
	}
	list := fn.Body.List
	return len(body) > 0 && len(list) > 0 && list[len(list)-1] == stmt
}

// terminates reports whether st returns or ends the process.
func (f *finder) terminates(st ast.Stmt) bool {
	switch st := st.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BlockStmt:
		return len(st.List) > 0 && f.terminates(st.List[len(st.List)-1])
	case *ast.ExprStmt:
		call, ok := ast.Unparen(st.X).(*ast.CallExpr)
		if !ok {
			return false
		}
		if b, ok := f.info.Uses[RefIdent(call.Fun)].(*types.Builtin); ok {
			return b.Name() == "panic"
		}
		fn := callee(f.info, call)
		return isPkgFunc(fn, "os", "Exit") || isPkgFunc(fn, "syscall", "Exit") ||
			isPkgFunc(fn, "log", "Fatal") || isPkgFunc(fn, "log", "Fatalf") || isPkgFunc(fn, "log", "Fatalln")
	}
	return false
}

// cobraDispatches returns the subcommands of a cobra command tree built in
// the package:
//
//	var workerCmd = &cobra.Command{Use: "worker", Hidden: true, Run: func(...) { ... }}
//	rootCmd.AddCommand(workerCmd)
//
// A command counts when the chain of AddCommand calls above it reaches a
// root command of the package, which gives its path; a command that runs
// nothing (no Run or RunE) only groups others.
func (f *finder) cobraDispatches() []*Dispatch {
	if !imports(f.pkg, cobraPath) {
		return nil
	}

	// Find the commands and the tree AddCommand builds.
	var (
		cmds   []*ast.CompositeLit
		byVar  = make(map[*types.Var]*ast.CompositeLit)
		parent = make(map[*ast.CompositeLit]*ast.CompositeLit)
		adds   [][2]ast.Expr // receiver, argument
	)
	for _, file := range f.files {
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				if t := f.info.TypeOf(n); t != nil && isNamed(t, cobraPath, "Command") {
					cmds = append(cmds, n)
					if v := f.literals[n]; v != nil {
						byVar[v] = n
					}
				}
			case *ast.CallExpr:
				if sel := selectorOf(n.Fun); sel != nil && isMethod(callee(f.info, n), cobraPath, "Command", "AddCommand") {
					for _, a := range n.Args {
						adds = append(adds, [2]ast.Expr{sel.X, a})
					}
				}
			}
			return true
		})
	}
	litOf := func(e ast.Expr) *ast.CompositeLit {
		if lit := compositeLit(e); lit != nil {
			return lit
		}
		v, _ := objectOf(f.info, e).(*types.Var)
		return byVar[v]
	}
	ambiguous := make(map[*ast.CompositeLit]bool)
	for _, a := range adds {
		p, c := litOf(a[0]), litOf(a[1])
		if p == nil || c == nil {
			continue
		}
		if old, ok := parent[c]; ok && old != p {
			ambiguous[c] = true
		}
		parent[c] = p
	}

	// Describe each command below a root.
	var out []*Dispatch
	for _, lit := range cmds {
		path, ok := f.cobraPath(lit, parent, ambiguous)
		if !ok {
			continue
		}
		d := &Dispatch{Via: ViaCobra, Role: path[len(path)-1], Key: strings.Join(path, " "), Node: lit, Func: f.funcAt(lit.Pos())}
		run := fieldValue(f.info, lit, "RunE")
		if run == nil {
			run = fieldValue(f.info, lit, "Run")
		}
		if run == nil || !f.runs(d, run) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// cobraPath returns the names of the commands from below the root to lit,
// or false when lit is a root, is added under several commands, or has a
// Use that is not a constant.
func (f *finder) cobraPath(lit *ast.CompositeLit, parent map[*ast.CompositeLit]*ast.CompositeLit, ambiguous map[*ast.CompositeLit]bool) ([]string, bool) {
	var path []string
	for c := lit; parent[c] != nil; c = parent[c] {
		if ambiguous[c] || len(path) > 16 {
			return nil, false // several parents, or a cycle
		}
		use, ok := constString(f.info, fieldValue(f.info, c, "Use"))
		name, _, _ := strings.Cut(strings.TrimSpace(use), " ")
		if !ok || name == "" {
			return nil, false
		}
		path = append([]string{name}, path...)
	}
	return path, len(path) > 0
}

// runs sets what d runs from fn, the function a command runs or a
// registry holds: the body of a function literal, or a named function.
func (f *finder) runs(d *Dispatch, fn ast.Expr) bool {
	if lit, ok := ast.Unparen(fn).(*ast.FuncLit); ok {
		d.Body = lit.Body.List
		f.serve(d)
		return true
	}
	obj, ok := objectOf(f.info, fn).(*types.Func)
	if !ok {
		return false // a variable holding a function: not followed
	}
	if f.isLocalFunc(obj) {
		d.Serve = obj
	}
	d.Entry = obj
	return true
}

// registryDispatches returns the functions registered to run for an
// argv[0], by the busybox-style re-exec helper or a registry of the
// package:
//
//	func init() { reexec.Register("unpack", unpackMain) }      main: if reexec.Init() { return }
//
//	var applets = map[string]func(){"pack": packMain}
//	func init() { applets["unpack"] = unpackMain }              or a helper doing that
//	main: if run, ok := applets[filepath.Base(os.Args[0])]; ok { run(); return }
func (f *finder) registryDispatches() []*Dispatch {
	if !f.osArgs && !importsReexec(f.pkg) {
		// No argv[0] to look a role up by and no reexec.Register: spare
		// the two walks over every function below.
		return nil
	}
	var out []*Dispatch
	add := func(node ast.Node, name, fn ast.Expr, encl *ast.FuncDecl) {
		role, ok := constString(f.info, name)
		if !ok || role == "" {
			return
		}
		d := &Dispatch{Via: ViaRegistry, Role: role, Node: node, Func: encl}
		if f.runs(d, fn) {
			out = append(out, d)
		}
	}
	maps := f.argv0Maps()
	helpers := f.registerHelpers(maps)
	for _, file := range f.files {
		for _, decl := range file.Decls {
			encl, _ := decl.(*ast.FuncDecl)
			ast.Inspect(decl, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					fn := callee(f.info, n)
					if isReexecFunc(fn, "Register") && len(n.Args) == 2 {
						add(n, n.Args[0], n.Args[1], encl)
					}
					if h, ok := helpers[fn]; ok && !n.Ellipsis.IsValid() && len(n.Args) > max(h[0], h[1]) {
						add(n, n.Args[h[0]], n.Args[h[1]], encl)
					}
				case *ast.AssignStmt:
					for i, lhs := range n.Lhs {
						if ix, ok := ast.Unparen(lhs).(*ast.IndexExpr); ok && len(n.Lhs) == len(n.Rhs) && maps[objectOf(f.info, ix.X)] {
							add(n, ix.Index, n.Rhs[i], encl)
						}
					}
				case *ast.CompositeLit:
					if v := f.literals[n]; v != nil && maps[v] {
						for _, elt := range n.Elts {
							if kv, ok := elt.(*ast.KeyValueExpr); ok {
								add(kv, kv.Key, kv.Value, encl)
							}
						}
					}
				}
				return true
			})
		}
	}
	return out
}

// argv0Maps returns the package-level maps the package looks argv[0] up
// in: m[os.Args[0]] or m[filepath.Base(os.Args[0])], directly or through
// a local variable.
func (f *finder) argv0Maps() map[types.Object]bool {
	maps := make(map[types.Object]bool)
	for _, file := range f.files {
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				ix, ok := n.(*ast.IndexExpr)
				if !ok || !f.isArgv0(ix.Index, fn, 1) {
					return true
				}
				v, ok := objectOf(f.info, ix.X).(*types.Var)
				if !ok || v.Parent() != f.pkg.Scope() {
					return true
				}
				if m, ok := v.Type().Underlying().(*types.Map); ok && types.Identical(m.Key().Underlying(), types.Typ[types.String]) {
					if _, ok := m.Elem().Underlying().(*types.Signature); ok {
						maps[v] = true
					}
				}
				return true
			})
		}
	}
	return maps
}

// isArgv0 reports whether e is os.Args[0] or its base name, directly or
// through a local variable given only that.
func (f *finder) isArgv0(e ast.Expr, fn *ast.FuncDecl, depth int) bool {
	if k, ok := osArgsIndex(f.info, e); ok {
		return k == 0
	}
	if call, ok := ast.Unparen(e).(*ast.CallExpr); ok && len(call.Args) == 1 {
		obj := callee(f.info, call)
		return (isPkgFunc(obj, "path/filepath", "Base") || isPkgFunc(obj, "path", "Base")) && f.isArgv0(call.Args[0], fn, depth)
	}
	v, ok := objectOf(f.info, e).(*types.Var)
	if !ok || depth == 0 || !f.isLocal(v, fn) {
		return false
	}
	as, ok := f.assignments(v)
	if !ok || len(as) != 1 || as[0].tuple >= 0 {
		return false
	}
	return f.isArgv0(as[0].rhs, fn, depth-1)
}

// registerHelpers returns the functions of the package that store their
// parameters into one of maps, with the indices of the key and the value:
//
//	func register(name string, main func()) { applets[name] = main }
func (f *finder) registerHelpers(maps map[types.Object]bool) map[*types.Func][2]int {
	helpers := make(map[*types.Func][2]int)
	if len(maps) == 0 {
		return helpers
	}
	for fn, decl := range f.decls {
		if decl.Body == nil {
			continue
		}
		sig := fn.Signature()
		ast.Inspect(decl.Body, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
				return true
			}
			ix, ok := ast.Unparen(as.Lhs[0]).(*ast.IndexExpr)
			if !ok || !maps[objectOf(f.info, ix.X)] {
				return true
			}
			k, _ := objectOf(f.info, ix.Index).(*types.Var)
			v, _ := objectOf(f.info, as.Rhs[0]).(*types.Var)
			if ki, vi := paramIndex(sig, k), paramIndex(sig, v); ki >= 0 && vi >= 0 && !sig.Variadic() {
				helpers[fn] = [2]int{ki, vi}
			}
			return true
		})
	}
	return helpers
}

// entry sets d.Entry: the serving function, or else the first function of
// another package of the module the branch calls, preferring one handed a
// standard stream, as serve does within the package:
//
//	case "agent":
//		os.Exit(agent.Serve(os.Stdin, os.Stdout))
func (f *finder) entry(d *Dispatch) {
	if d.Entry != nil {
		return
	}
	if d.Serve != nil {
		d.Entry = d.Serve
		return
	}
	if f.opts.InModule == nil {
		return
	}
	var first, streamed *types.Func
	for _, stmt := range d.Body {
		ast.Inspect(stmt, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || streamed != nil {
				return streamed == nil
			}
			fn := callee(f.info, call)
			if fn == nil || fn.Pkg() == nil || fn.Pkg() == f.pkg || !f.opts.InModule(fn.Pkg().Path()) {
				return true
			}
			if recv := fn.Signature().Recv(); recv != nil && types.IsInterface(recv.Type()) {
				return true // any implementation may serve
			}
			if first == nil {
				first = fn
			}
			for _, arg := range call.Args {
				if osStream(f.info, arg) != "" {
					streamed = fn
				}
			}
			return true
		})
	}
	d.Entry = first
	if streamed != nil {
		d.Entry = streamed
	}
}

// child returns the dispatch of another mechanism than os.Args that
// serves s, preferring one in main as link does.
func (f *finder) child(s *Spawn, roles []*Dispatch) *Dispatch {
	var found *Dispatch
	for _, d := range roles {
		if d.Via == ViaArgs || !f.selects(s, d) {
			continue
		}
		if d.Func != nil && d.Func.Name.Name == "main" && d.Func.Recv == nil {
			return d
		}
		if found == nil {
			found = d
		}
	}
	return found
}

// selects reports whether the arguments, argv[0] or environment of s
// select the role of d.
func (f *finder) selects(s *Spawn, d *Dispatch) bool {
	switch d.Via {
	case ViaFlag:
		return selectsFlag(f.argStrings(s), d)
	case ViaEnv:
		for _, kv := range f.env(s) {
			k, v, ok := strings.Cut(kv, "=")
			if ok && k == d.Key && (v == d.Role || d.Role == "" && v != "") {
				return true
			}
		}
	case ViaCobra:
		want := strings.Fields(d.Key)
		args := f.constArgs(s)
		if len(args) < len(want) {
			return false
		}
		for i, w := range want {
			if args[i] != w {
				return false
			}
		}
		return true
	case ViaRegistry:
		return s.Argv0 != "" && s.Argv0 == d.Role
	}
	return false
}

// argStrings returns the arguments of s after argv[0], "" for those
// that are not constants, without a spread last argument.
func (f *finder) argStrings(s *Spawn) []string {
	var out []string
	for i, a := range s.Args {
		if s.Ellipsis && i == len(s.Args)-1 {
			break
		}
		v, _ := constString(f.info, a)
		out = append(out, v)
	}
	return out
}

// selectsFlag reports whether args set the flag of d to its role, in the
// forms package flag parses: -k, --k, -k=v, -k v. A flag is looked for in
// every argument up to "--".
//
// TODO(procmigrate): package flag stops at the first argument that is not
// a flag, which is not modelled.
func selectsFlag(args []string, d *Dispatch) bool {
	for i, a := range args {
		if a == "--" {
			return false
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		if !strings.HasPrefix(a, "-") || name != d.Key {
			continue
		}
		switch {
		case hasValue:
			if value == d.Role {
				return true
			}
		case d.Role == "true":
			return true
		case i+1 < len(args) && args[i+1] == d.Role:
			return true
		}
	}
	return false
}
