package rewrite

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"github.com/procmigrate/procmigrate/analyzers/sharedvar"
	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// sharedKind is how the rewrite makes a package variable safe that worker
// code changes and that it does not make private to each worker.
type sharedKind int

const (
	// guardCache: a map used as a cache whose values depend only on
	// their keys. One copy serves every worker behind a mutex, with the
	// results each worker process had with its own.
	guardCache sharedKind = iota
	// atomicCounter: an integer that code only adds to and reads, which
	// goroutines of the rest of the program already add to together. It
	// becomes a sync/atomic type.
	atomicCounter
	// guardOther: anything else that cannot be private to each worker.
	// A mutex beside it is held around every use; its meaning changes,
	// since the workers and the rest of the program now see each other's
	// writes.
	guardOther
)

// sharedVar is a package variable that worker code changes and that the
// workers and the rest of the program share once the workers are
// goroutines, made safe for that:
//
//	var tally = map[string]int{}        var tally = map[string]int{}
//	                               =>   var tallyMu sync.Mutex
//	func record(k string) {             func record(k string) {
//		tally[k]++                          tallyMu.Lock()
//	}                                       tally[k]++
//	                                        tallyMu.Unlock()
//	                                    }
//
// or, for a counter (atomicCounter), var hits int => var hits atomic.Int64
// with hits++ => hits.Add(1) and reads of hits => int(hits.Load()).
type sharedVar struct {
	obj   *types.Var
	decl  *ast.GenDecl
	spec  *ast.ValueSpec
	kind  sharedKind
	locks []lockSite   // guards: where the mutex is held
	uses  []*ast.Ident // counters: every use in a function
}

// lockSite is a statement that uses a guarded variable, around which the
// mutex is held.
type lockSite struct {
	stmt ast.Stmt
	list ast.Node // the block, case or comm clause that holds stmt
	// head: stmt is an if statement and the lock covers its init and
	// condition only, released first thing in each branch.
	head bool
	// ret: stmt is a return statement; a deferred call releases the lock
	// after the results are evaluated.
	ret bool
	// snaps: stmt calls something that may wait for another goroutine,
	// so the lock is held only to copy these reads of the variable into
	// locals just before it, and stmt uses the copies.
	snaps []ast.Expr
}

// planShared decides how to share v, which worker code changes, when the
// rewrite does not make it private to each worker: why is the reason it
// is not private. It returns the plan, or why v can be neither.
func planShared(x *pkgIndex, d *workers.Dispatch, v *types.Var, why string) (*sharedVar, string) {
	name := v.Name()
	decl := x.varDecl[v]
	switch {
	case isSyncType(v.Type()):
		// A mutex or atomic beside it would share what each process had
		// of its own, as sync_once_state shows.
		return nil, why
	case decl == nil || x.isTestFile(decl):
		return nil, why
	case x.isGenerated(decl):
		return nil, fmt.Sprintf("%s; it cannot be guarded either, since it is declared in a generated file", why)
	case v.Exported() && x.pkg.Name != "main":
		return nil, fmt.Sprintf("%s; it cannot be guarded either, since other packages may use it", why)
	}
	if file, ok := x.otherBuilds()[name]; ok {
		if strings.Contains(why, file+" names "+name) {
			return nil, why // the same reason
		}
		return nil, fmt.Sprintf("%s; it cannot be guarded either, since %s names %s but is built only for other platforms or tags", why, file, name)
	}
	var spec *ast.ValueSpec
	for _, s := range decl.Specs {
		for _, n := range s.(*ast.ValueSpec).Names {
			if x.info.Defs[n] == v {
				spec = s.(*ast.ValueSpec)
			}
		}
	}
	sv := &sharedVar{obj: v, decl: decl, spec: spec, kind: guardOther}
	if isCounter(x, v, spec) && sharedByGoroutines(x, v) {
		if why := planCounter(x, d, sv); why == "" {
			return sv, ""
		}
	}
	if gwhy := planLocks(x, d, sv); gwhy != "" {
		return nil, fmt.Sprintf("%s; it cannot be guarded either: %s", why, gwhy)
	}
	return sv, ""
}

// planCache plans to share v behind a mutex when it is a cache whose
// values depend only on their keys; it returns nil otherwise.
func planCache(x *pkgIndex, d *workers.Dispatch, v *types.Var) *sharedVar {
	decl := x.varDecl[v]
	if decl == nil || x.isTestFile(decl) || x.isGenerated(decl) || v.Exported() && x.pkg.Name != "main" {
		return nil
	}
	if _, ok := x.otherBuilds()[v.Name()]; ok || !isCache(x, v) {
		return nil
	}
	var spec *ast.ValueSpec
	for _, s := range decl.Specs {
		for _, n := range s.(*ast.ValueSpec).Names {
			if x.info.Defs[n] == v {
				spec = s.(*ast.ValueSpec)
			}
		}
	}
	sv := &sharedVar{obj: v, decl: decl, spec: spec, kind: guardCache}
	if planLocks(x, d, sv) != "" {
		return nil
	}
	return sv
}

// note says what the plan changes, for the site's summary.
func (sv *sharedVar) note(role string) string {
	name := sv.obj.Name()
	switch sv.kind {
	case guardCache:
		return fmt.Sprintf("package variable %s is a cache whose values depend only on their keys: the workers now share one copy, "+
			"locked at every use, and get the values each %s process computed for itself", name, role)
	case atomicCounter:
		return fmt.Sprintf("package variable %s is now a sync/atomic counter shared by the whole program; "+
			"each %s process added to a copy of its own, so its count now includes what the workers add", name, role)
	}
	return fmt.Sprintf("package variable %s is now shared by the workers and the rest of the program, locked at every use; "+
		"each %s process had a copy of its own, so its meaning changes: the workers and the rest of the program now see each other's changes to it", name, role)
}

// planLocks finds the statement to lock at each use of sv in a function,
// and checks that holding the mutex there is enough and cannot deadlock.
func planLocks(x *pkgIndex, d *workers.Dispatch, sv *sharedVar) string {
	v := sv.obj
	name := v.Name()
	seen := map[ast.Stmt]bool{}
	var uses []*ast.Ident
	for _, id := range x.uses[v] {
		if x.enclosingFunc(id) == nil {
			continue // a package initializer, which runs before anything else
		}
		uses = append(uses, id)
		if d != nil && inBranch(d, id) {
			return fmt.Sprintf("the branch for role %q itself uses %s at %s", d.Role, name, x.pos(id.Pos()))
		}
		if why := escapes(x, id); why != "" {
			return fmt.Sprintf("%s at %s %s, which the lock would not cover", name, x.pos(id.Pos()), why)
		}
		site, why := lockSiteOf(x, id)
		if why != "" {
			return fmt.Sprintf("%s is used at %s %s", name, x.pos(id.Pos()), why)
		}
		if !seen[site.stmt] {
			seen[site.stmt] = true
			sv.locks = append(sv.locks, site)
		}
	}
	sort.Slice(sv.locks, func(i, j int) bool { return sv.locks[i].stmt.Pos() < sv.locks[j].stmt.Pos() })

	// Check what runs while the lock is held.
	users := map[*ast.FuncDecl]bool{}
	for _, id := range uses {
		users[x.enclosingFunc(id)] = true
	}
	for i, s := range sv.locks {
		if call := mayWait(x, v, s); call != nil {
			snaps, why := snapshots(x, v, s, uses)
			if why != "" {
				return fmt.Sprintf("the statement at %s calls %s, which may wait for another goroutine, and %s", x.pos(s.stmt.Pos()), types.ExprString(call.Fun), why)
			}
			sv.locks[i].snaps = snaps
			s = sv.locks[i]
		}
		for _, n := range s.region() {
			if why := checkRegion(x, n, s, uses, users, name); why != "" {
				return why
			}
		}
	}
	return ""
}

// mayWait returns a call in the region of s that may wait for another
// goroutine, such as a write to a pipe whose reader may need the lock
// first: anything but a conversion, a builtin or a pure function.
func mayWait(x *pkgIndex, v *types.Var, s lockSite) *ast.CallExpr {
	p := purity{x: x, cache: v, funcs: map[*ast.FuncDecl]bool{}}
	var found *ast.CallExpr
	for _, n := range s.region() {
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.CallExpr:
				if found == nil && !p.call(n) {
					found = n
				}
			}
			return found == nil
		})
	}
	return found
}

// snapshots returns the reads of v in the statement of s, which can be
// copied just before it, or says why they cannot: v is changed there, or
// a read is of a reference, which a copy would share, or depends on what
// the statement itself computes first.
func snapshots(x *pkgIndex, v *types.Var, s lockSite, uses []*ast.Ident) ([]ast.Expr, string) {
	var out []ast.Expr
	for _, id := range uses {
		if other, _ := lockSiteOf(x, id); other.stmt != s.stmt {
			continue
		}
		var e ast.Expr = id
	climb:
		for {
			switch p := x.parent[e].(type) {
			case *ast.IndexExpr:
				if p.X != e {
					break climb
				}
				if !stableKey(x, p.Index, s.stmt) {
					return nil, fmt.Sprintf("%s is read there at %s with a key the statement computes", v.Name(), x.pos(id.Pos()))
				}
				e = p
			case *ast.SelectorExpr:
				if p.X != e || x.info.Selections[p] == nil || x.info.Selections[p].Kind() != types.FieldVal {
					break climb
				}
				e = p
			case *ast.ParenExpr, *ast.StarExpr:
				e = p.(ast.Expr)
			case *ast.CallExpr:
				// len(v) and cap(v) read a number.
				fn, _ := ast.Unparen(p.Fun).(*ast.Ident)
				b, isB := x.info.Uses[fn].(*types.Builtin)
				if fn == nil || !isB || b.Name() != "len" && b.Name() != "cap" {
					break climb
				}
				e = p
			default:
				break climb
			}
		}
		if mutates(x, id) || sharesState(x.info.TypeOf(e)) {
			return nil, fmt.Sprintf("%s is changed or handed on there at %s", v.Name(), x.pos(id.Pos()))
		}
		switch p := x.parent[e].(type) {
		case *ast.AssignStmt:
			if len(p.Lhs) != len(p.Rhs) {
				return nil, fmt.Sprintf("%s is read with comma-ok at %s", v.Name(), x.pos(id.Pos()))
			}
			if isLhs(p, e) {
				return nil, fmt.Sprintf("%s is changed there at %s", v.Name(), x.pos(id.Pos()))
			}
		case *ast.ValueSpec:
			if len(p.Names) != len(p.Values) {
				return nil, fmt.Sprintf("%s is read with comma-ok at %s", v.Name(), x.pos(id.Pos()))
			}
		case *ast.RangeStmt:
			return nil, fmt.Sprintf("%s is ranged over there at %s", v.Name(), x.pos(id.Pos()))
		}
		out = append(out, e)
	}
	return out, ""
}

// region returns the nodes that run while the lock is held.
func (s lockSite) region() []ast.Node {
	if s.head {
		ifs := s.stmt.(*ast.IfStmt)
		if ifs.Init != nil {
			return []ast.Node{ifs.Init, ifs.Cond}
		}
		return []ast.Node{ifs.Cond}
	}
	return []ast.Node{s.stmt}
}

// checkRegion returns why the lock cannot be held while n runs: it would
// be taken again by another use of the variable inside n, or by a function
// n calls that uses it; or n waits on a channel, which the goroutine it
// waits for may not be able to answer without the lock; or n leaves the
// region by a jump that would skip the unlock.
func checkRegion(x *pkgIndex, n ast.Node, s lockSite, uses []*ast.Ident, users map[*ast.FuncDecl]bool, name string) string {
	if s.snaps != nil {
		// The lock covers the copies alone, but the statement reads them
		// first: what it calls must not change the variable.
		for _, fd := range x.callees(n) {
			for _, r := range append([]*ast.FuncDecl{fd}, x.reachable([]ast.Node{fd.Body})...) {
				if users[r] {
					return fmt.Sprintf("the statement at %s reads %s and calls %s, which uses it too", x.pos(s.stmt.Pos()), name, fd.Name.Name)
				}
			}
		}
		return ""
	}
	for _, id := range uses {
		if id.Pos() < n.Pos() || id.Pos() >= n.End() {
			continue
		}
		if other, _ := lockSiteOf(x, id); other.stmt != s.stmt && !deferredLit(x, id, n) {
			return fmt.Sprintf("%s is used at %s inside the statement at %s, which would hold its lock already", name, x.pos(id.Pos()), x.pos(s.stmt.Pos()))
		}
	}
	for _, fd := range x.callees(n) {
		for _, r := range append([]*ast.FuncDecl{fd}, x.reachable([]ast.Node{fd.Body})...) {
			if users[r] {
				return fmt.Sprintf("the statement at %s uses %s and calls %s, which uses it too and would wait for the lock the statement holds", x.pos(s.stmt.Pos()), name, fd.Name.Name)
			}
		}
	}
	var why string
	ast.Inspect(n, func(m ast.Node) bool {
		if why != "" {
			return false
		}
		switch m := m.(type) {
		case *ast.FuncLit:
			return false // its own statements lock for themselves
		case *ast.SendStmt, *ast.SelectStmt:
			why = fmt.Sprintf("the statement at %s uses %s and waits on a channel at %s, which it would do holding the lock", x.pos(s.stmt.Pos()), name, x.pos(m.Pos()))
		case *ast.UnaryExpr:
			if m.Op == token.ARROW {
				why = fmt.Sprintf("the statement at %s uses %s and waits on a channel at %s, which it would do holding the lock", x.pos(s.stmt.Pos()), name, x.pos(m.Pos()))
			}
		case *ast.ReturnStmt:
			if m != s.stmt {
				why = fmt.Sprintf("the statement at %s uses %s and returns at %s, which would leave the lock held", x.pos(s.stmt.Pos()), name, x.pos(m.Pos()))
			}
		case *ast.BranchStmt:
			if m.Label != nil || m.Tok == token.GOTO || m.Tok == token.FALLTHROUGH {
				why = fmt.Sprintf("the statement at %s uses %s and jumps at %s, which could leave the lock held", x.pos(s.stmt.Pos()), name, x.pos(m.Pos()))
			}
		}
		return true
	})
	return why
}

// deferredLit reports whether id is in a function literal that a go or
// defer statement n starts rather than runs.
func deferredLit(x *pkgIndex, id *ast.Ident, n ast.Node) bool {
	var call *ast.CallExpr
	switch st := n.(type) {
	case *ast.GoStmt:
		call = st.Call
	case *ast.DeferStmt:
		call = st.Call
	default:
		return false
	}
	lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit)
	return ok && lit.Body.Pos() <= id.Pos() && id.Pos() < lit.Body.End()
}

// lockSiteOf finds the statement around which to hold the lock for the
// use id: the innermost statement of a block that holds it, or the if
// statement in whose init or condition it is. It says why there is none
// where the use is in the header of a loop, a switch or a select, whose
// parts run at different times.
func lockSiteOf(x *pkgIndex, id *ast.Ident) (lockSite, string) {
	var n ast.Node = id
	for {
		p := x.parent[n]
		switch p := p.(type) {
		case nil, *ast.FuncDecl:
			return lockSite{}, "outside any statement"
		case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
			st, ok := n.(ast.Stmt)
			if !ok {
				break
			}
			switch st := st.(type) {
			case *ast.ReturnStmt:
				return lockSite{stmt: st, list: p, ret: true}, ""
			case *ast.AssignStmt, *ast.IncDecStmt, *ast.ExprStmt, *ast.DeclStmt, *ast.GoStmt, *ast.DeferStmt, *ast.RangeStmt:
				return lockSite{stmt: st, list: p}, ""
			}
			return lockSite{}, fmt.Sprintf("in a %s", stmtKind(st))
		case *ast.IfStmt:
			if n != p.Init && n != p.Cond {
				break
			}
			if _, isElse := p.Else.(*ast.IfStmt); isElse {
				return lockSite{}, "in the head of an if statement with an else if"
			}
			switch list := x.parent[p].(type) {
			case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
				return lockSite{stmt: p, list: list, head: true}, ""
			}
			return lockSite{}, "in the head of an else if"
		case *ast.RangeStmt:
			if n != p.X {
				return lockSite{}, "as the key or value of a range loop"
			}
		case *ast.ForStmt:
			if n == p.Init || n == p.Cond || n == p.Post {
				return lockSite{}, "in the header of a for loop"
			}
		case *ast.SwitchStmt:
			if n == p.Init || n == p.Tag {
				return lockSite{}, "in the header of a switch"
			}
		case *ast.TypeSwitchStmt:
			if n == p.Init || n == p.Assign {
				return lockSite{}, "in the header of a type switch"
			}
		case *ast.LabeledStmt:
			return lockSite{}, "in a labeled statement"
		}
		if cc, ok := p.(*ast.CaseClause); ok {
			for _, e := range cc.List {
				if e == n {
					return lockSite{}, "in a case expression"
				}
			}
		}
		if cc, ok := p.(*ast.CommClause); ok && n == cc.Comm {
			return lockSite{}, "in a select case"
		}
		n = p
	}
}

func stmtKind(st ast.Stmt) string {
	switch st.(type) {
	case *ast.SendStmt:
		return "send statement"
	case *ast.IfStmt:
		return "if statement"
	case *ast.ForStmt:
		return "for loop"
	case *ast.SwitchStmt, *ast.TypeSwitchStmt:
		return "switch"
	case *ast.SelectStmt:
		return "select"
	}
	return fmt.Sprintf("%T", st)
}

// stableKey reports whether the key k has the same value before stmt as
// where stmt uses it: a constant, or a local declared before stmt, or a
// field of one, that stmt does not change.
func stableKey(x *pkgIndex, k ast.Expr, stmt ast.Stmt) bool {
	if tv := x.info.Types[k]; tv.Value != nil {
		return true
	}
	switch k := ast.Unparen(k).(type) {
	case *ast.Ident:
		v, ok := x.info.Uses[k].(*types.Var)
		return ok && v.Parent() != x.pkg.Types.Scope() && v.Pos() < stmt.Pos() && !changedIn(x, stmt, v)
	case *ast.SelectorExpr:
		sel := x.info.Selections[k]
		if sel == nil || sel.Kind() != types.FieldVal || sel.Indirect() {
			return false // a field through a pointer may change elsewhere
		}
		return stableKey(x, k.X, stmt)
	}
	return false
}

// escapes says how the use id hands out a reference to the variable's
// memory that outlives the statement, or "": its address taken other than
// to call a method or for a call's argument, or a map, slice, pointer or
// other reference stored in another variable, returned or sent. A call
// that receives the variable is taken to be done with it when it returns.
//
// TODO(procmigrate): a function of the package that keeps a reference it
// is passed escapes the lock too.
func escapes(x *pkgIndex, id *ast.Ident) string {
	var e ast.Expr = id
	for {
		switch p := x.parent[e].(type) {
		case *ast.IndexExpr:
			if p.X == e {
				e = p
				continue
			}
		case *ast.SelectorExpr:
			if p.X == e {
				if sel := x.info.Selections[p]; sel != nil && sel.Kind() == types.MethodVal {
					if _, called := x.parent[p].(*ast.CallExpr); !called {
						return "is taken as a method value"
					}
					return ""
				}
				e = p
				continue
			}
		case *ast.SliceExpr:
			if p.X == e {
				e = p
				continue
			}
		case *ast.StarExpr, *ast.ParenExpr:
			e = p.(ast.Expr)
			continue
		case *ast.CallExpr:
			// append(v, ...) is v again, for where it goes next.
			if fn := workers.RefIdent(p.Fun); fn != nil && len(p.Args) > 0 && p.Args[0] == e {
				if b, ok := x.info.Uses[fn].(*types.Builtin); ok && b.Name() == "append" {
					e = p
					continue
				}
			}
		}
		break
	}
	ref := sharesState(x.info.TypeOf(e))
	switch p := x.parent[e].(type) {
	case *ast.UnaryExpr:
		if p.Op == token.AND {
			if _, arg := x.parent[p].(*ast.CallExpr); !arg {
				return "has its address taken"
			}
		}
	case *ast.AssignStmt:
		for _, r := range p.Rhs {
			if r == e && ref && !assignsBack(x, p, e, id) {
				return "is stored in another variable"
			}
		}
	case *ast.ValueSpec, *ast.CompositeLit, *ast.KeyValueExpr, *ast.SendStmt:
		if ref {
			return "is stored elsewhere"
		}
	case *ast.ReturnStmt:
		if ref {
			return "is returned"
		}
	}
	return ""
}

// assignsBack reports whether the assignment stores e, derived from the
// variable id names, back where it came from, as v = append(v, x) or
// v.items = append(v.items, x) do.
func assignsBack(x *pkgIndex, as *ast.AssignStmt, e ast.Expr, id *ast.Ident) bool {
	if len(as.Lhs) != len(as.Rhs) {
		return false
	}
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) == 0 {
		return false
	}
	for i, r := range as.Rhs {
		if r == e {
			return refersTo(x, as.Lhs[i], x.info.Uses[id]) && plainPath(as.Lhs[i]) &&
				types.ExprString(as.Lhs[i]) == types.ExprString(call.Args[0])
		}
	}
	return false
}

// plainPath reports whether e is a variable or a field of one, reached
// with no call or index.
func plainPath(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return true
	case *ast.SelectorExpr:
		return plainPath(e.X)
	}
	return false
}

// sharedByGoroutines reports whether code outside worker code that runs
// concurrently, such as the parent's own goroutines, writes v: the program
// already meant one copy for all of them.
func sharedByGoroutines(x *pkgIndex, v *types.Var) bool {
	for _, s := range x.sharedVars() {
		if s.Var != v || len(s.Fields) > 0 || s.Class != sharedvar.Counter {
			continue
		}
		for _, a := range s.Accesses {
			if a.Write && a.Concurrent && !a.Worker && !a.Init {
				return true
			}
		}
	}
	return false
}

// sharedVars returns what sharedvar finds of the package's shared
// variables, computed once.
func (x *pkgIndex) sharedVars() []*sharedvar.Shared {
	if x.shared == nil {
		x.shared = sharedvar.Find(x.fset, x.files, x.info, x.pkg.Types)
		if x.shared == nil {
			x.shared = []*sharedvar.Shared{}
		}
	}
	return x.shared
}
