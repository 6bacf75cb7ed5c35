package rewrite

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/dave/dst"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// A child can learn its role from a flag or an environment variable
// rather than from os.Args[1]:
//
//	flag.Parse()                                 func runWorkerRole(proc *inprocProc) error {
//	if *worker {                                     serve(proc.stdin, proc.stdout)
//		serve(os.Stdin, os.Stdout)      =>           return nil
//		return                                   }
//	}
//	exec.Command(exe, "-worker")                 newInprocCmd(ctx, runWorkerRole, exe, "-worker")
//
//	switch os.Getenv("ROLE") { case "agent": ... }   with   cmd.Env = append(os.Environ(), "ROLE=agent")
//
// The role's branch becomes its function as a role argument's does. The
// test that chose the branch is not copied: the spawn already chose it. A
// read of the role's flag or variable in the branch is the value the
// spawn selected, so in the copy it is that value: the constant the
// branch tests, or proc.getenv(KEY) where any value of the variable
// selects the role. The value the role runs with thus reaches the
// worker's function as the argument it was before, without the flag set.
//
// Out of scope on purpose: worker code that reads other flags or the
// command-line flag set. The child's flag.Parse filled them from its own
// arguments before the dispatch; the role's function does not run main's
// statements before the dispatch, and a goroutine would read the
// parent's values, so such a site is left unchanged with the reason.

// sourceChild returns the dispatch that serves s through a flag or an
// environment variable when no role argument does, or nil.
func sourceChild(s *workers.Spawn) *workers.Dispatch {
	d := s.Child
	if s.Dispatch != nil || d == nil || !isSourceVia(d) || d.Func == nil || len(d.Body) == 0 {
		return nil
	}
	return d
}

func isSourceVia(d *workers.Dispatch) bool {
	return d != nil && (d.Via == workers.ViaFlag || d.Via == workers.ViaEnv)
}

// roleLabel names the role of d as the spawn selects it: "agent" for a
// role argument, "-worker" or "-role=agent" for a flag, "ROLE=agent" or
// "ROLE" (any value) for an environment variable.
func roleLabel(d *workers.Dispatch) string {
	switch {
	case d == nil:
		return ""
	case d.Via == workers.ViaFlag && d.Role == "true":
		return "-" + d.Key
	case d.Via == workers.ViaFlag:
		return "-" + d.Key + "=" + d.Role
	case d.Via == workers.ViaEnv && d.Role == "":
		return d.Key
	case d.Via == workers.ViaEnv:
		return d.Key + "=" + d.Role
	}
	return d.Role
}

// roleWord is the word a role's function is named after: the role, or
// the flag or variable when its value says no more than "yes".
func roleWord(d *workers.Dispatch) string {
	if isSourceVia(d) && (d.Role == "true" && d.Via == workers.ViaFlag || d.Role == "") {
		return d.Key
	}
	return d.Role
}

// siteRole is the role a site summary names.
func siteRole(p *sitePlan) string {
	if d := p.dispatch; isSourceVia(d) {
		return roleLabel(d)
	}
	if d := sourceChild(p.spawn); d != nil {
		return roleLabel(d)
	}
	return p.spawn.Role
}

// flagVar is a variable that a flag of package flag sets.
type flagVar struct {
	name string
	ptr  bool // the variable holds *T, as flag.Bool returns
}

// flagVars returns the variables of the package, package-level or local,
// that flags set: those given the result of flag.Int("n", ...) and the
// like, and those whose address flag.IntVar(&n, "n", ...) and the like
// are given. Methods of a flag.FlagSet count as well.
func flagVars(x *pkgIndex) map[*types.Var]flagVar {
	out := map[*types.Var]flagVar{}
	definer := func(call *ast.CallExpr) (string, bool, bool) {
		fn, _ := typeutilCallee(x.info, call).(*types.Func)
		if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "flag" || len(call.Args) == 0 {
			return "", false, false
		}
		name := fn.Name()
		if name == "Var" || name == "Func" || name == "BoolFunc" || name == "TextVar" || name == "NewFlagSet" {
			return "", false, false
		}
		isVar := strings.HasSuffix(name, "Var")
		keyArg := call.Args[0]
		if isVar {
			if len(call.Args) < 2 {
				return "", false, false
			}
			keyArg = call.Args[1]
		}
		tv := x.info.Types[keyArg]
		if tv.Value == nil || !isStringType(tv.Type) {
			return "", false, false
		}
		return constantString(tv), isVar, true
	}
	for _, f := range x.files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				key, isVar, ok := definer(n)
				if !ok || !isVar {
					return true
				}
				if u, ok := ast.Unparen(n.Args[0]).(*ast.UnaryExpr); ok && u.Op == token.AND {
					if id, ok := ast.Unparen(u.X).(*ast.Ident); ok {
						if v, ok := x.info.Uses[id].(*types.Var); ok {
							out[v] = flagVar{name: key}
						}
					}
				}
			case *ast.ValueSpec:
				if len(n.Names) == len(n.Values) {
					for i, v := range n.Values {
						if call, ok := ast.Unparen(v).(*ast.CallExpr); ok {
							if key, isVar, ok := definer(call); ok && !isVar {
								if obj, ok := x.info.Defs[n.Names[i]].(*types.Var); ok {
									out[obj] = flagVar{name: key, ptr: true}
								}
							}
						}
					}
				}
			case *ast.AssignStmt:
				if len(n.Lhs) == len(n.Rhs) {
					for i, v := range n.Rhs {
						call, ok := ast.Unparen(v).(*ast.CallExpr)
						id, isID := n.Lhs[i].(*ast.Ident)
						if !ok || !isID {
							continue
						}
						if key, isVar, ok := definer(call); ok && !isVar {
							if obj, ok := x.info.ObjectOf(id).(*types.Var); ok {
								out[obj] = flagVar{name: key, ptr: true}
							}
						}
					}
				}
			}
			return true
		})
	}
	return out
}

// typeutilCallee returns the function or method a call calls statically,
// looking through parentheses, or nil.
func typeutilCallee(info *types.Info, call *ast.CallExpr) types.Object {
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		return info.Uses[fun]
	case *ast.SelectorExpr:
		if sel := info.Selections[fun]; sel != nil {
			return sel.Obj()
		}
		return info.Uses[fun.Sel]
	}
	return nil
}

func isStringType(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

func constantString(tv types.TypeAndValue) string {
	s, _ := strconv.Unquote(tv.Value.ExactString())
	return s
}

// roleSource describes how a branch of d reads its own role: the flag's
// variable, or a local of the dispatching function given only the flag's
// or the variable's value.
type roleSource struct {
	flag  *types.Var // the role's flag variable, nil for a variable of the environment
	ptr   bool       // flag holds *T
	local *types.Var // a local holding the role's value, or nil
}

// sourceOf finds what the branch of d reads its role through.
func sourceOf(x *pkgIndex, d *workers.Dispatch, flags map[*types.Var]flagVar) roleSource {
	var src roleSource
	for v, fv := range flags {
		if d.Via == workers.ViaFlag && fv.name == d.Key {
			src.flag, src.ptr = v, fv.ptr
		}
	}
	// A local given the role's value before the dispatch, as in
	// role := os.Getenv("ROLE") or role := *roleFlag.
	ast.Inspect(d.Func.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE || len(as.Lhs) != 1 || len(as.Rhs) != 1 || as.Pos() > d.Node.Pos() {
			return true
		}
		id, ok := as.Lhs[0].(*ast.Ident)
		v, isVar := x.info.Defs[id].(*types.Var)
		if !ok || !isVar {
			return true
		}
		if isSourceRead(x, d, src, as.Rhs[0]) {
			src.local = v
		}
		return true
	})
	if src.local != nil && len(x.assignsTo(src.local)) > 0 {
		src.local = nil // changed after it was given the role
	}
	return src
}

// assignsTo returns the assignments to v after its declaration, and the
// places its address is taken.
func (x *pkgIndex) assignsTo(v *types.Var) []ast.Node {
	var out []ast.Node
	for _, id := range x.uses[v] {
		switch p := x.parent[id].(type) {
		case *ast.AssignStmt:
			for _, l := range p.Lhs {
				if l == ast.Expr(id) {
					out = append(out, p)
				}
			}
		case *ast.IncDecStmt:
			out = append(out, p)
		case *ast.UnaryExpr:
			if p.Op == token.AND {
				out = append(out, p)
			}
		}
	}
	return out
}

// isSourceRead reports whether e reads the role's flag or variable
// itself: *roleFlag, roleFlagVar, os.Getenv("ROLE"), or the local that
// holds one of them.
func isSourceRead(x *pkgIndex, d *workers.Dispatch, src roleSource, e ast.Expr) bool {
	e = ast.Unparen(e)
	switch e := e.(type) {
	case *ast.StarExpr:
		id, ok := ast.Unparen(e.X).(*ast.Ident)
		return ok && src.flag != nil && src.ptr && x.info.Uses[id] == types.Object(src.flag)
	case *ast.Ident:
		obj := x.info.Uses[e]
		return obj != nil && (src.flag != nil && !src.ptr && obj == types.Object(src.flag) || src.local != nil && obj == types.Object(src.local))
	case *ast.CallExpr:
		if d.Via != workers.ViaEnv || len(e.Args) != 1 {
			return false
		}
		id := workers.RefIdent(e.Fun)
		tv := x.info.Types[e.Args[0]]
		return id != nil && x.isObj(id, "os", "Getenv") && tv.Value != nil && constantString(tv) == d.Key
	}
	return false
}

// roleReads returns the expressions of the branch of d that read its role
// and that its function's copy replaces (see roleValue): reads of the
// role's flag and of a local holding the role. os.Getenv of the role's
// variable is handed over like any other read of the environment.
func roleReads(x *pkgIndex, d *workers.Dispatch) []ast.Expr {
	if !isSourceVia(d) {
		return nil
	}
	src := sourceOf(x, d, flagVars(x))
	var out []ast.Expr
	for _, st := range d.Body {
		ast.Inspect(st, func(n ast.Node) bool {
			e, ok := n.(ast.Expr)
			if !ok {
				return true
			}
			if _, isCall := e.(*ast.CallExpr); !isCall && isSourceRead(x, d, src, e) {
				out = append(out, e)
				return false
			}
			return true
		})
	}
	return out
}

// isRoleLocal reports whether v is the local of the dispatching function
// that holds the role of d, whose reads the copy replaces.
func isRoleLocal(x *pkgIndex, d *workers.Dispatch, v *types.Var) bool {
	if !isSourceVia(d) {
		return false
	}
	src := sourceOf(x, d, flagVars(x))
	return src.local == v || src.flag == v
}

// roleValue is what a read of the role becomes in the copy of the branch
// of d: the constant the branch tests, or the worker's own value of the
// variable when any value selects the role.
func roleValue(d *workers.Dispatch, proc string) dst.Expr {
	switch {
	case d.Via == workers.ViaFlag && d.Role == "true":
		return &dst.Ident{Name: "true"}
	case d.Via == workers.ViaEnv && d.Role == "":
		return &dst.CallExpr{
			Fun:  &dst.SelectorExpr{X: &dst.Ident{Name: proc}, Sel: &dst.Ident{Name: "getenv"}},
			Args: []dst.Expr{&dst.BasicLit{Kind: token.STRING, Value: strconv.Quote(d.Key)}},
		}
	}
	return &dst.BasicLit{Kind: token.STRING, Value: strconv.Quote(d.Role)}
}

// replaceRoleReads adds to repl the replacement of each read of the role
// in the branch of d; see roleValue.
func (e *editor) replaceRoleReads(d *workers.Dispatch, proc string, repl map[dst.Node]func(dst.Node) dst.Node) {
	for _, r := range roleReads(e.x, d) {
		repl[e.dstOf(r)] = func(n dst.Node) dst.Node {
			v := roleValue(d, proc)
			v.Decorations().Start = n.Decorations().Start
			v.Decorations().End = n.Decorations().End
			return v
		}
	}
}

// checkSourceDispatch returns why the branch of a flag or environment
// dispatch does not run exactly when the child is started in the role,
// or "". As checkDispatch does for a role argument, it wants the test to
// test the role alone and the branch to be reached by it alone: in the
// body of the function, or after tests of the same flag or variable for
// other values.
func checkSourceDispatch(x *pkgIndex, d *workers.Dispatch) string {
	roles := workers.Find(x.files, x.info, x.pkg.Types).Roles
	sibling := func(n ast.Node) bool {
		for _, r := range roles {
			if r.Node == n && r.Via == d.Via && r.Key == d.Key && r.Role != d.Role && r.Role != "" && r.Role != "true" {
				return true
			}
		}
		return false
	}
	var stmt ast.Node = d.Node
	switch n := d.Node.(type) {
	case *ast.IfStmt:
		if n.Init != nil || isJunction(n.Cond) {
			return fmt.Sprintf("the condition of the branch for role %s at %s tests more than the role", roleLabel(d), x.pos(n.Pos()))
		}
	case *ast.CaseClause:
		sw, ok := x.parent[x.parent[n]].(*ast.SwitchStmt)
		if !ok || sw.Init != nil {
			return fmt.Sprintf("the switch for role %s at %s has an init statement", roleLabel(d), x.pos(n.Pos()))
		}
		for _, st := range sw.Body.List {
			cc := st.(*ast.CaseClause)
			if cc == n {
				break
			}
			for _, e := range cc.List {
				if sw.Tag != nil && x.info.Types[e].Value == nil || sw.Tag == nil && !sibling(cc) {
					return fmt.Sprintf("the case at %s, before the one for role %s, may be taken by the worker too", x.pos(e.Pos()), roleLabel(d))
				}
			}
		}
		for _, e := range n.List {
			if sw.Tag == nil && isJunction(e) {
				return fmt.Sprintf("the case for role %s at %s tests more than the role", roleLabel(d), x.pos(e.Pos()))
			}
		}
		stmt = sw
	default:
		return fmt.Sprintf("the dispatch for role %s at %s is not an if or switch statement", roleLabel(d), x.pos(d.Node.Pos()))
	}
	for {
		switch p := x.parent[stmt].(type) {
		case *ast.BlockStmt:
			if x.parent[p] == ast.Node(d.Func) {
				return ""
			}
		case *ast.IfStmt:
			if p.Else == stmt && sibling(p) {
				stmt = p
				continue
			}
		}
		return fmt.Sprintf("the dispatch for role %s at %s is nested in other statements of %s", roleLabel(d), x.pos(d.Node.Pos()), d.Func.Name.Name)
	}
}

// isJunction reports whether e joins tests with && or ||.
func isJunction(e ast.Expr) bool {
	b, ok := ast.Unparen(e).(*ast.BinaryExpr)
	return ok && (b.Op == token.LAND || b.Op == token.LOR)
}

// checkSourceReads returns why worker code of a flag or environment
// dispatch reads what the child's flag.Parse set, or "": a flag's
// variable other than the role's own reads in the branch, or the
// command-line flag set. The role's reads may not be written either, as
// their copies become constants.
func checkSourceReads(x *pkgIndex, d *workers.Dispatch) string {
	flags := flagVars(x)
	src := sourceOf(x, d, flags)
	replaced := map[*ast.Ident]bool{}
	for _, r := range roleReads(x, d) {
		ast.Inspect(r, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				replaced[id] = true
			}
			return true
		})
		if p, ok := x.parent[r].(*ast.AssignStmt); ok {
			for _, l := range p.Lhs {
				if l == r {
					return fmt.Sprintf("the branch for role %s assigns its role at %s", roleLabel(d), x.pos(r.Pos()))
				}
			}
		}
		if p, ok := x.parent[r].(*ast.UnaryExpr); ok && p.Op == token.AND {
			return fmt.Sprintf("the branch for role %s takes the address of its role at %s", roleLabel(d), x.pos(r.Pos()))
		}
	}
	reach := x.reachable(stmtNodes(d.Body))
	var why string
	for _, n := range append(stmtNodes(d.Body), funcBodies(reach)...) {
		ast.Inspect(n, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok || why != "" || replaced[id] {
				return why == ""
			}
			switch obj := x.info.Uses[id].(type) {
			case *types.Var:
				if fv, ok := flags[obj]; ok {
					which := "the flag -" + fv.name
					if obj == src.flag {
						which = "its role's flag -" + fv.name
					}
					why = fmt.Sprintf("worker code reads %s at %s, which the child parsed from its own arguments; a goroutine would read the parent's", which, x.pos(id.Pos()))
				} else if obj.Pkg() != nil && obj.Pkg().Path() == "flag" && obj.Name() == "CommandLine" {
					why = fmt.Sprintf("worker code uses flag.CommandLine at %s, which the child's main parsed from its own arguments before choosing the role", x.pos(id.Pos()))
				}
			case *types.Func:
				if obj.Pkg() != nil && obj.Pkg().Path() == "flag" && obj.Signature().Recv() == nil && obj.Name() != "NewFlagSet" && obj.Name() != "UnquoteUsage" {
					why = fmt.Sprintf("worker code calls flag.%s at %s, which works on the command-line flag set the child's main parsed from its own arguments before choosing the role", obj.Name(), x.pos(id.Pos()))
				}
			}
			return why == ""
		})
		if why != "" {
			return why
		}
	}
	return ""
}

// roleFlagVar returns the package variable of the role's flag of d, whose
// reads in the branch its function's copy replaces, or nil.
func roleFlagVar(x *pkgIndex, d *workers.Dispatch) *types.Var {
	if !isSourceVia(d) || d.Via != workers.ViaFlag {
		return nil
	}
	return sourceOf(x, d, flagVars(x)).flag
}
