package rewrite

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"

	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// isCounter reports whether v is an integer that code only adds to and
// reads: declared on its own with no value or zero, then only v++, v--,
// v += n and v -= n (n not reading v) and reads of its value, all inside
// functions.
func isCounter(x *pkgIndex, v *types.Var, spec *ast.ValueSpec) bool {
	b, ok := v.Type().Underlying().(*types.Basic)
	if !ok || b.Info()&types.IsInteger == 0 || spec == nil || len(spec.Names) != 1 {
		return false
	}
	if len(spec.Values) == 1 {
		if tv := x.info.Types[spec.Values[0]]; tv.Value == nil || tv.Value.ExactString() != "0" {
			return false
		}
	}
	unsigned := b.Info()&types.IsUnsigned != 0
	for _, id := range x.uses[v] {
		if x.enclosingFunc(id) == nil {
			return false
		}
		var e ast.Expr = id
		for {
			if p, ok := x.parent[e].(*ast.ParenExpr); ok {
				e = p
				continue
			}
			break
		}
		switch p := x.parent[e].(type) {
		case *ast.IncDecStmt:
			if unsigned && p.Tok == token.DEC {
				return false
			}
		case *ast.AssignStmt:
			if !isLhs(p, e) {
				continue // a read
			}
			if len(p.Lhs) != 1 || p.Tok != token.ADD_ASSIGN && (p.Tok != token.SUB_ASSIGN || unsigned) || refersTo(x, p.Rhs[0], v) {
				return false
			}
		case *ast.UnaryExpr:
			if p.Op == token.AND {
				return false
			}
		case *ast.RangeStmt:
			if p.Key == e || p.Value == e {
				return false
			}
		}
	}
	return true
}

func refersTo(x *pkgIndex, n ast.Node, v types.Object) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && x.info.Uses[id] == v {
			found = true
		}
		return !found
	})
	return found
}

// planCounter plans to make the counter sv a sync/atomic type, or says why
// it cannot.
func planCounter(x *pkgIndex, d *workers.Dispatch, sv *sharedVar) string {
	for _, id := range x.uses[sv.obj] {
		if d != nil && inBranch(d, id) {
			return fmt.Sprintf("the branch for role %q itself uses %s", d.Role, sv.obj.Name())
		}
		sv.uses = append(sv.uses, id)
	}
	sv.kind = atomicCounter
	return ""
}

// atomicType returns the sync/atomic type for an integer of type t, and
// the integer type its methods take.
func atomicType(t types.Type) (name string, value types.BasicKind) {
	switch t.Underlying().(*types.Basic).Kind() {
	case types.Int32:
		return "Int32", types.Int32
	case types.Uint32:
		return "Uint32", types.Uint32
	case types.Uint64:
		return "Uint64", types.Uint64
	case types.Uintptr:
		return "Uintptr", types.Uintptr
	case types.Uint, types.Uint8, types.Uint16:
		return "Uint64", types.Uint64
	}
	return "Int64", types.Int64
}

// share applies the plan for sv once, whichever site asks first.
func (e *editor) share(sv *sharedVar) {
	if e.shared[sv.obj] {
		return
	}
	e.shared[sv.obj] = true
	if sv.kind == atomicCounter {
		e.atomize(sv)
		return
	}
	mu := e.declareMutex(sv)
	e.lockSites(sv, mu)
}

// declareMutex declares the mutex that guards sv right after its
// declaration, in the same group when it is in one, and returns its name.
func (e *editor) declareMutex(sv *sharedVar) string {
	name := sv.obj.Name()
	mu := fresh(name+"Mu", e.taken, e.identNames())
	e.taken[mu] = true
	_, df := e.fileOf(sv.decl)
	e.qualifyAt(sv.decl, df, "sync")
	spec := &dst.ValueSpec{
		Names: []*dst.Ident{{Name: mu}},
		Type:  &dst.Ident{Name: "Mutex", Path: "sync"},
	}
	why := fmt.Sprintf("%s is held around every use of %s, which the workers and the rest of the program share.", mu, name)
	if sv.kind == guardCache {
		why = fmt.Sprintf("%s is held around every use of %s, which the workers share: its values depend only on their keys.", mu, name)
	}
	gd := e.dstOf(sv.decl).(*dst.GenDecl)
	if gd.Lparen {
		at := len(gd.Specs)
		for i, s := range gd.Specs {
			if s == e.dstOf(sv.spec) {
				at = i + 1
			}
		}
		spec.Decs.Start = commentLines(why)
		spec.Decs.Before = dst.EmptyLine
		gd.Specs = append(gd.Specs[:at:at], append([]dst.Spec{spec}, gd.Specs[at:]...)...)
		e.changed[df] = true
		return mu
	}
	decl := &dst.GenDecl{Tok: token.VAR, Specs: []dst.Spec{spec}}
	decl.Decs.Before = dst.EmptyLine
	decl.Decs.After = dst.EmptyLine
	decl.Decs.Start = commentLines(why)
	for i, d := range df.Decls {
		if d == gd {
			df.Decls = append(df.Decls[:i+1:i+1], append([]dst.Decl{decl}, df.Decls[i+1:]...)...)
			break
		}
	}
	e.changed[df] = true
	return mu
}

// lockSites holds mu around each site of sv. Sites next to each other in
// one block share one Lock and Unlock.
func (e *editor) lockSites(sv *sharedVar, mu string) {
	byList := map[ast.Node][]lockSite{}
	var lists []ast.Node
	for _, s := range sv.locks {
		if byList[s.list] == nil {
			lists = append(lists, s.list)
		}
		byList[s.list] = append(byList[s.list], s)
	}

	// An if whose head is locked and whose body starts with a locked
	// statement keeps the lock into the body: the check and what it
	// guards stay one step, as in if m[k] < n { m[k]++ }.
	isSite := map[ast.Stmt]bool{}
	for _, s := range sv.locks {
		isSite[s.stmt] = s.snaps == nil && !s.head
	}
	into := map[ast.Stmt]bool{} // heads that keep the lock into the body
	held := map[ast.Stmt]bool{} // statements that find the lock held
	for _, s := range sv.locks {
		if !s.head {
			continue
		}
		if list := s.stmt.(*ast.IfStmt).Body.List; len(list) > 0 && isSite[list[0]] {
			into[s.stmt], held[list[0]] = true, true
		}
	}

	for _, l := range lists {
		var sites []lockSite
		for _, s := range byList[l] {
			if s.snaps != nil {
				e.lockSnapshots(s, mu)
			} else {
				sites = append(sites, s)
			}
		}
		stmts := stmtList(l)
		index := map[ast.Stmt]int{}
		for i, st := range stmts {
			index[st] = i
		}
		sort.Slice(sites, func(i, j int) bool { return index[sites[i].stmt] < index[sites[j].stmt] })

		// Group runs of neighbouring statements; an if whose head is
		// locked ends a run, and so does a return.
		var runs [][]lockSite
		for i, s := range sites {
			if i > 0 {
				prev := runs[len(runs)-1]
				last := prev[len(prev)-1]
				if !last.head && !last.ret && index[last.stmt]+1 == index[s.stmt] {
					runs[len(runs)-1] = append(prev, s)
					continue
				}
			}
			runs = append(runs, []lockSite{s})
		}
		for _, run := range runs {
			e.lockRun(run, mu, into[run[len(run)-1].stmt], held[run[0].stmt])
		}
		e.touch(l)
	}
}

// lockRun holds mu around one run of sites in a statement list:
//
//	mu.Lock()              mu.Lock()                 mu.Lock()
//	a; b                   defer mu.Unlock()         if v, ok := m[k]; ok {
//	mu.Unlock()            return v                      mu.Unlock()
//	                                                     ...
//	                                                 } else {
//	                                                     mu.Unlock()
//	                                                     ...
//	                                                 }
//
// TODO(procmigrate): a statement that panics while holding the lock, in a
// worker whose panic the runtime contains, leaves it locked; only the
// deferred unlock of a return is released.
func (e *editor) lockRun(run []lockSite, mu string, into, held bool) {
	call := func(method string) *dst.CallExpr {
		return &dst.CallExpr{Fun: &dst.SelectorExpr{X: &dst.Ident{Name: mu}, Sel: &dst.Ident{Name: method}}}
	}
	first := e.dstOf(run[0].stmt).(dst.Stmt)
	last := e.dstOf(run[len(run)-1].stmt).(dst.Stmt)
	list := e.dstList(run[0].list)

	// Lock before the first statement, which keeps its comments, unless
	// the if around it holds the lock already.
	if !held {
		lock := &dst.ExprStmt{X: call("Lock")}
		lock.Decs.Before = first.Decorations().Before
		lock.Decs.Start = first.Decorations().Start
		first.Decorations().Before = dst.NewLine
		first.Decorations().Start = nil
		insertStmt(list, first, lock, false)
	}

	end := run[len(run)-1]
	switch {
	case end.ret:
		unlock := &dst.DeferStmt{Call: call("Unlock")}
		unlock.Decs.Before = dst.NewLine
		unlock.Decs.After = dst.NewLine
		insertStmt(list, last, unlock, false)
	case end.head:
		ifs := last.(*dst.IfStmt)
		prepend := func(b *dst.BlockStmt) {
			u := &dst.ExprStmt{X: call("Unlock")}
			u.Decs.Before = dst.NewLine
			u.Decs.After = dst.NewLine
			b.List = append([]dst.Stmt{u}, b.List...)
		}
		if !into {
			prepend(ifs.Body)
		}
		if ifs.Else == nil {
			ifs.Else = &dst.BlockStmt{}
		}
		prepend(ifs.Else.(*dst.BlockStmt))
	default:
		unlock := &dst.ExprStmt{X: call("Unlock")}
		unlock.Decs.Before = dst.NewLine
		unlock.Decs.After = last.Decorations().After
		last.Decorations().After = dst.NewLine
		insertStmt(list, last, unlock, true)
	}
}

// lockSnapshots copies the reads of site s into locals under mu, and has
// its statement use the copies:
//
//	mu.Lock()
//	totalNow := total
//	mu.Unlock()
//	if err := enc.Encode(resp{Total: totalNow}); err != nil {
//
// The order in which a statement reads variables and calls functions is
// not specified, save that calls happen in order; the planner checked that
// nothing the statement calls uses the variable, so reading it first
// gives the same values.
func (e *editor) lockSnapshots(s lockSite, mu string) {
	call := func(method string) *dst.ExprStmt {
		st := &dst.ExprStmt{X: &dst.CallExpr{Fun: &dst.SelectorExpr{X: &dst.Ident{Name: mu}, Sel: &dst.Ident{Name: method}}}}
		st.Decs.Before, st.Decs.After = dst.NewLine, dst.NewLine
		return st
	}
	stmt := e.dstOf(s.stmt).(dst.Stmt)
	list := e.dstList(s.list)
	lock := call("Lock")
	lock.Decs.Before = stmt.Decorations().Before
	lock.Decs.Start = stmt.Decorations().Start
	stmt.Decorations().Before = dst.NewLine
	stmt.Decorations().Start = nil
	added := []dst.Stmt{lock}
	repl := map[dst.Node]dst.Expr{}
	names := e.identNames()
	for _, snap := range s.snaps {
		base := snap
		for {
			switch b := base.(type) {
			case *ast.IndexExpr:
				base = b.X
				continue
			case *ast.SelectorExpr:
				base = b.X
				continue
			case *ast.ParenExpr:
				base = b.X
				continue
			case *ast.StarExpr:
				base = b.X
				continue
			case *ast.CallExpr:
				base = b.Args[0]
				continue
			}
			break
		}
		name := fresh(base.(*ast.Ident).Name+"Now", e.taken, names)
		e.taken[name] = true
		d := e.dstOf(snap).(dst.Expr)
		cp := dst.Clone(d).(dst.Expr)
		cp.Decorations().Before, cp.Decorations().After = dst.None, dst.None
		cp.Decorations().Start, cp.Decorations().End = nil, nil
		as := &dst.AssignStmt{Lhs: []dst.Expr{&dst.Ident{Name: name}}, Tok: token.DEFINE, Rhs: []dst.Expr{cp}}
		as.Decs.Before, as.Decs.After = dst.NewLine, dst.NewLine
		added = append(added, as)
		id := &dst.Ident{Name: name}
		id.Decs.NodeDecs = *d.Decorations()
		repl[d] = id
	}
	added = append(added, call("Unlock"))
	dstutil.Apply(stmt, func(c *dstutil.Cursor) bool {
		if r, ok := repl[c.Node()]; ok {
			c.Replace(r)
			return false
		}
		return true
	}, nil)
	for _, st := range added {
		insertStmt(list, stmt, st, false)
	}
}

// stmtList returns the statements of a block, case or comm clause.
func stmtList(n ast.Node) []ast.Stmt {
	switch n := n.(type) {
	case *ast.BlockStmt:
		return n.List
	case *ast.CaseClause:
		return n.Body
	case *ast.CommClause:
		return n.Body
	}
	panic(fmt.Sprintf("rewrite: %T holds no statements", n))
}

// dstList returns a pointer to the decorated statements of n.
func (e *editor) dstList(n ast.Node) *[]dst.Stmt {
	switch d := e.dstOf(n).(type) {
	case *dst.BlockStmt:
		return &d.List
	case *dst.CaseClause:
		return &d.Body
	case *dst.CommClause:
		return &d.Body
	}
	panic(fmt.Sprintf("rewrite: %T holds no statements", n))
}

// insertStmt inserts st into list before at, or after it.
func insertStmt(list *[]dst.Stmt, at, st dst.Stmt, after bool) {
	for i, s := range *list {
		if s != at {
			continue
		}
		if after {
			i++
		}
		*list = append((*list)[:i:i], append([]dst.Stmt{st}, (*list)[i:]...)...)
		return
	}
	panic("rewrite: statement to lock is not in its block")
}

// atomize makes the counter sv a sync/atomic type: v++ becomes v.Add(1),
// v -= n becomes v.Add(-n), and a read of v becomes v.Load(), converted
// back to v's type where that is not the one the atomic type holds.
func (e *editor) atomize(sv *sharedVar) {
	v := sv.obj
	name := v.Name()
	atom, kind := atomicType(v.Type())
	valueType := types.Typ[kind]
	same := types.Identical(v.Type(), valueType)

	_, df := e.fileOf(sv.decl)
	e.qualifyAt(sv.decl, df, "sync/atomic")
	spec := e.dstOf(sv.spec).(*dst.ValueSpec)
	spec.Type = &dst.Ident{Name: atom, Path: "sync/atomic"}
	spec.Values = nil
	e.changed[df] = true

	method := func(m string, args ...dst.Expr) *dst.CallExpr {
		return &dst.CallExpr{Fun: &dst.SelectorExpr{X: &dst.Ident{Name: name}, Sel: &dst.Ident{Name: m}}, Args: args}
	}
	arg := func(r ast.Expr, neg bool) dst.Expr {
		d := dst.Clone(e.dstOf(r)).(dst.Expr)
		d.Decorations().Before, d.Decorations().After = dst.None, dst.None
		if tv := e.x.info.Types[r]; tv.Value == nil && !types.Identical(tv.Type, valueType) {
			d = &dst.CallExpr{Fun: &dst.Ident{Name: valueType.Name()}, Args: []dst.Expr{d}}
		}
		if neg {
			if _, ok := d.(*dst.BasicLit); !ok {
				d = &dst.ParenExpr{X: d}
			}
			d = &dst.UnaryExpr{Op: token.SUB, X: d}
		}
		return d
	}
	for _, id := range sv.uses {
		var n ast.Expr = id
		for {
			if p, ok := e.x.parent[n].(*ast.ParenExpr); ok {
				n = p
				continue
			}
			break
		}
		switch p := e.x.parent[n].(type) {
		case *ast.IncDecStmt:
			one := &dst.BasicLit{Kind: token.INT, Value: "1"}
			var delta dst.Expr = one
			if p.Tok == token.DEC {
				delta = &dst.UnaryExpr{Op: token.SUB, X: one}
			}
			e.replaceStmt(p, &dst.ExprStmt{X: method("Add", delta)})
			continue
		case *ast.AssignStmt:
			if isLhs(p, n) {
				e.replaceStmt(p, &dst.ExprStmt{X: method("Add", arg(p.Rhs[0], p.Tok == token.SUB_ASSIGN))})
				continue
			}
		}
		var load dst.Expr = method("Load")
		if !same {
			load = &dst.CallExpr{Fun: e.typeExpr(v.Type()), Args: []dst.Expr{load}}
		}
		e.replaceIdent(id, load)
	}
}

// replaceStmt replaces the decorated statement of st with n, which keeps
// its comments and spacing.
func (e *editor) replaceStmt(st ast.Stmt, n dst.Stmt) {
	old := e.dstOf(st).(dst.Stmt)
	*n.Decorations() = *old.Decorations()
	dstutil.Apply(e.dstOf(e.x.enclosingFunc(st)), func(c *dstutil.Cursor) bool {
		if c.Node() == old {
			c.Replace(n)
			return false
		}
		return true
	}, nil)
	e.touch(st)
}
