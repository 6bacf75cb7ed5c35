package workers

import (
	"go/ast"
	"go/token"
	"go/types"
)

// roleTest is one comparison of a role argument with a constant.
type roleTest struct {
	role string
	arg  int // K of os.Args[K]
}

// dispatches returns the role dispatches of the package in source order:
//
//	if len(os.Args) > 1 && os.Args[1] == "agent" { serveAgent(...) }
//	switch os.Args[1] { case "agent", "judge": ... }
//	switch { case len(os.Args) > 1 && os.Args[1] == "agent": ... }
//	role := os.Args[1]; switch role { ... }
//
// Each constant role gives one Dispatch.
//
// TODO(procmigrate): roles read through flag.Arg or os.Getenv, and guard
// clauses such as if os.Args[1] != "agent" { return }, are not recognized.
func (f *finder) dispatches() []*Dispatch {
	var out []*Dispatch
	add := func(tests []roleTest, node ast.Node, body []ast.Stmt, fn *ast.FuncDecl) {
		for _, t := range tests {
			d := &Dispatch{Role: t.role, Arg: t.arg, Node: node, Body: body, Func: fn}
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
					add(f.roleTests(n.Cond, fn), n, n.Body.List, fn)
				case *ast.SwitchStmt:
					for _, stmt := range n.Body.List {
						clause := stmt.(*ast.CaseClause)
						add(f.caseTests(n.Tag, clause, fn), clause, clause.Body, fn)
					}
				}
				return true
			})
		}
	}
	return out
}

// caseTests returns the roles a case clause runs for, in a switch on a
// role argument or in a switch without tag.
func (f *finder) caseTests(tag ast.Expr, clause *ast.CaseClause, fn *ast.FuncDecl) []roleTest {
	var tests []roleTest
	if tag == nil {
		for _, e := range clause.List {
			tests = append(tests, f.roleTests(e, fn)...)
		}
		return tests
	}
	k, ok := f.roleArg(tag, fn)
	if !ok {
		return nil
	}
	for _, e := range clause.List {
		if role, ok := constString(f.info, e); ok {
			tests = append(tests, roleTest{role, k})
		}
	}
	return tests
}

// roleTests returns the comparisons role == "constant" in cond, looking
// through parentheses, && and ||.
func (f *finder) roleTests(cond ast.Expr, fn *ast.FuncDecl) []roleTest {
	bin, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok {
		return nil
	}
	switch bin.Op {
	case token.LAND, token.LOR:
		return append(f.roleTests(bin.X, fn), f.roleTests(bin.Y, fn)...)
	case token.EQL:
		for _, pair := range [2][2]ast.Expr{{bin.X, bin.Y}, {bin.Y, bin.X}} {
			k, ok := f.roleArg(pair[0], fn)
			role, isConst := constString(f.info, pair[1])
			if ok && isConst {
				return []roleTest{{role, k}}
			}
		}
	}
	return nil
}

// isLocal reports whether v is a local variable or parameter of fn.
func (f *finder) isLocal(v *types.Var, fn *ast.FuncDecl) bool {
	local := !v.IsField() && v.Parent() != nil && v.Parent() != f.pkg.Scope()
	return local && f.funcAt(v.Pos()) == fn
}

// roleArg returns K when e is os.Args[K] or a local variable assigned
// only os.Args[K] (one assignment followed), or "" as a default:
//
//	role := os.Args[1]
//	role := ""; if len(os.Args) > 1 { role = os.Args[1] }
func (f *finder) roleArg(e ast.Expr, fn *ast.FuncDecl) (int, bool) {
	if k, ok := osArgsIndex(f.info, e); ok {
		return k, true
	}
	v, ok := objectOf(f.info, e).(*types.Var)
	if !ok || !f.isLocal(v, fn) {
		return 0, false
	}
	as, ok := f.assignments(v)
	if !ok {
		return 0, false
	}
	k, found := 0, false
	for _, a := range as {
		if s, ok := constString(f.info, a.rhs); ok && s == "" && a.tuple < 0 {
			continue // the default when os.Args is short
		}
		ak, ok := osArgsIndex(f.info, a.rhs)
		if !ok || a.tuple >= 0 || (found && ak != k) {
			return 0, false
		}
		k, found = ak, true
	}
	return k, found
}
