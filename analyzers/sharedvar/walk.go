package sharedvar

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
)

// maxAccesses bounds the accesses of one frame. A function that reaches
// more through its calls is analyzed in part: what is left out can hide a
// report, never make one.
const maxAccesses = 20000

// walker builds one frame by walking its code in order, keeping the
// mutexes held along the way: the set held after an if is what both
// branches hold, a branch that returns left out.
type walker struct {
	a    *state
	fr   *frame
	held []lockRef
	dead bool // the last statement does not fall through

	exits   [][]lockRef // held at each return of the frame's own function
	lists   []*listCtx  // the statement lists being walked, innermost last
	loops   []ast.Node
	defers  []deferred
	results []*types.Var // named results of the function being walked
	at      *override
	inLit   int // depth of function literals walked in place
	cond    int // depth of branches: if, switch and select cases

	// nilGuards are the locations the enclosing ifs test against nil:
	// a write to one of them sets it up once.
	nilGuards []loc
	fn        ast.Node
	busy      map[*ast.FuncLit]bool
}

// listCtx is a statement list being walked and the statement in it.
type listCtx struct {
	cur   ast.Stmt
	end   token.Pos
	plain bool // a block of its own: what follows the block follows its contents
}

// override places everything walked inside it at one point of the frame:
// deferred code runs at the end, an inlined closure where it is called.
type override struct {
	order  int
	anchor token.Pos
	depth  int  // len(lists) at the call: a join dominates from the statement there
	noJoin bool // deferred code: a join there dominates nothing
}

// deferred is a deferred call, run when the function returns.
type deferred struct {
	call *ast.CallExpr
	held []lockRef // locks whose Unlock was deferred earlier: still held when it runs
}

// walkFunc walks the body of a function declaration or literal into f.
func (a *state) walkFunc(f *frame, body *ast.BlockStmt, fn ast.Node, results *types.Tuple) {
	w := &walker{a: a, fr: f, fn: fn, busy: make(map[*ast.FuncLit]bool)}
	w.results = namedResults(results)
	w.stmts(body.List, body.Rbrace+1, false)
	if !w.dead {
		w.exits = append(w.exits, slices.Clone(w.held))
		w.exit(body.Rbrace)
	}
	w.keepOnce()
	unlocked := w.runDefers(body.Rbrace, int(body.Rbrace)+1)

	// A lock held at every return, and not released by a deferred call,
	// is held by the caller afterwards: a locking helper.
	if len(w.exits) > 0 {
		out := w.exits[0]
		for _, e := range w.exits[1:] {
			out = intersect(out, e)
		}
		for _, l := range out {
			if !slices.ContainsFunc(unlocked, func(u lockRef) bool { return u.loc == l.loc }) {
				f.lockOut = append(f.lockOut, l)
			}
		}
	}
}

// walkStmts walks statements that are not a function body of their own:
// the branch of a worker role.
func (a *state) walkStmts(f *frame, list []ast.Stmt, fn ast.Node) {
	w := &walker{a: a, fr: f, fn: fn, busy: make(map[*ast.FuncLit]bool)}
	w.stmts(list, f.to, false)
	w.runDefers(f.end, int(f.end)+1)
}

// namedResults returns the named results of a signature.
func namedResults(t *types.Tuple) []*types.Var {
	var out []*types.Var
	if t == nil {
		return nil
	}
	for v := range t.Variables() {
		if v.Name() != "" && v.Name() != "_" {
			out = append(out, v)
		}
	}
	return out
}

// pos returns when and where in the frame something at n happens.
func (w *walker) pos(n ast.Node) (int, token.Pos) {
	if w.at != nil {
		return w.at.order, w.at.anchor
	}
	return int(n.Pos()), n.Pos()
}

// seq returns the fine order of something at p.
func (w *walker) seq(p token.Pos) []int {
	if w.at != nil {
		return []int{w.at.order, int(p)}
	}
	return []int{int(p)}
}

// add records an access of l at node n.
func (w *walker) add(l loc, write, rmw bool, n ast.Node, note string) *access {
	if !w.a.tracked(l.root) {
		return nil
	}
	if w.at != nil && w.at.noJoin && w.cond > 0 {
		// Deferred code in a branch is mostly cleanup for a path that
		// started nothing: if !started { c.pipes = nil }.
		//
		// TODO(procmigrate): such accesses are left out altogether.
		return nil
	}
	order, anchor := w.pos(n)
	x := &access{
		loc: l, write: write, rmw: rmw,
		locks: heldLocks(w.held, write),
		order: order, anchor: anchor, seq: w.seq(n.Pos()),
		pos: n.Pos(), end: n.End(),
		note: note, fn: w.fn,
	}
	if e, ok := n.(ast.Expr); ok {
		x.expr = e
	}
	x.lazy = write && (slices.Contains(w.nilGuards, l) || w.inOnce())
	w.push(x)
	return x
}

// inOnce reports whether the code walked runs in sync.Once.Do.
func (w *walker) inOnce() bool {
	return slices.ContainsFunc(w.held, func(l lockRef) bool { return l.once && !l.read })
}

// nilChecks returns the locations cond requires to be nil: x == nil,
// alone or in a chain of &&.
func (w *walker) nilChecks(cond ast.Expr) []loc {
	switch e := ast.Unparen(cond).(type) {
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND:
			return append(w.nilChecks(e.X), w.nilChecks(e.Y)...)
		case token.EQL:
			x, y := e.X, e.Y
			if isNil(w.a.info, x) {
				x, y = y, x
			}
			if isNil(w.a.info, y) {
				if l, ok := locOf(w.a.info, x); ok {
					return []loc{l}
				}
			}
		}
	}
	return nil
}

// isNil reports whether e is the predeclared nil.
func isNil(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	return ok && tv.IsNil()
}

// push adds x to the frame, within maxAccesses.
func (w *walker) push(x *access) {
	if len(w.fr.accs) < maxAccesses {
		w.fr.accs = append(w.fr.accs, x)
	}
}

// stmts walks a statement list.
func (w *walker) stmts(list []ast.Stmt, end token.Pos, plain bool) {
	ctx := &listCtx{end: end, plain: plain}
	w.lists = append(w.lists, ctx)
	for _, s := range list {
		if w.dead {
			break // unreachable
		}
		ctx.cur = s
		w.stmt(s)
	}
	w.lists = w.lists[:len(w.lists)-1]
}

// block walks the statements of a branch or loop body.
func (w *walker) block(b *ast.BlockStmt) {
	if b != nil {
		w.stmts(b.List, b.Rbrace+1, false)
	}
}

// loopBody walks the body of a loop. A wait at its top comes before the
// code after the loop too, which the analysis takes to follow at least
// one iteration: for range n { <-done } waits for the goroutines.
func (w *walker) loopBody(b *ast.BlockStmt) {
	w.stmts(b.List, b.Rbrace+1, true)
}

// outcome is the state at the end of one branch.
type outcome struct {
	held []lockRef
	dead bool
}

// merge sets the state after branches: the locks all live branches hold.
func (w *walker) merge(outs []outcome) {
	var live [][]lockRef
	for _, o := range outs {
		if !o.dead {
			live = append(live, o.held)
		}
	}
	if len(live) == 0 {
		w.dead = true
		return
	}
	h := live[0]
	for _, l := range live[1:] {
		h = intersect(h, l)
	}
	w.held, w.dead = h, false
}

// stmt walks one statement.
func (w *walker) stmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.BlockStmt:
		w.stmts(s.List, s.Rbrace+1, true)
	case *ast.LabeledStmt:
		w.stmt(s.Stmt)
	case *ast.ExprStmt:
		w.expr(s.X)
		if call, ok := ast.Unparen(s.X).(*ast.CallExpr); ok && w.a.noReturn(call) {
			w.dead = true
		}
	case *ast.SendStmt:
		w.expr(s.Chan)
		w.expr(s.Value)
		w.chanSignal(s.Chan, s)
	case *ast.IncDecStmt:
		w.store(s.X, true)
	case *ast.AssignStmt:
		w.assign(s)
	case *ast.DeclStmt:
		w.decl(s)
	case *ast.GoStmt:
		w.goStmt(s)
	case *ast.DeferStmt:
		w.deferStmt(s)
	case *ast.ReturnStmt:
		w.ret(s)
	case *ast.BranchStmt:
		if s.Tok != token.FALLTHROUGH {
			w.dead = true
		}
	case *ast.IfStmt:
		w.ifStmt(s)
	case *ast.ForStmt:
		w.forStmt(s)
	case *ast.RangeStmt:
		w.rangeStmt(s)
	case *ast.SwitchStmt:
		if s.Init != nil {
			w.stmt(s.Init)
		}
		if s.Tag != nil {
			w.expr(s.Tag)
		}
		w.clauses(s.Body)
	case *ast.TypeSwitchStmt:
		if s.Init != nil {
			w.stmt(s.Init)
		}
		w.stmt(s.Assign)
		w.clauses(s.Body)
	case *ast.SelectStmt:
		w.selectStmt(s)
	}
}

// assign walks an assignment: the right-hand side is read, then the left
// written; x op= y reads and writes x.
func (w *walker) assign(s *ast.AssignStmt) {
	if s.Tok == token.ASSIGN || s.Tok == token.DEFINE {
		for i, r := range s.Rhs {
			if lit, ok := r.(*ast.FuncLit); ok && len(s.Lhs) == len(s.Rhs) && w.a.isClosure(s.Lhs[i], lit) {
				continue // walked where it is called
			}
			w.expr(r)
		}
		for _, l := range s.Lhs {
			w.store(l, false)
		}
		return
	}
	w.expr(s.Rhs[0])
	w.store(s.Lhs[0], true)
}

// decl walks a var declaration inside a function.
func (w *walker) decl(s *ast.DeclStmt) {
	gen, ok := s.Decl.(*ast.GenDecl)
	if !ok || gen.Tok != token.VAR {
		return
	}
	for _, spec := range gen.Specs {
		vs := spec.(*ast.ValueSpec)
		for i, v := range vs.Values {
			if lit, ok := v.(*ast.FuncLit); ok && len(vs.Names) == len(vs.Values) && w.a.isClosure(vs.Names[i], lit) {
				continue
			}
			w.expr(v)
		}
		if len(vs.Values) > 0 {
			for _, n := range vs.Names {
				w.store(n, false)
			}
		}
	}
}

// ret walks a return statement.
func (w *walker) ret(s *ast.ReturnStmt) {
	for _, r := range s.Results {
		w.expr(r)
	}
	// A return sets the named results, and the caller or a deferred
	// function reads them: what a goroutine still writes races with it.
	for _, v := range w.results {
		if len(s.Results) > 0 {
			w.add(loc{root: v}, true, false, s, "")
		}
		w.add(loc{root: v}, false, false, s, "returned")
	}
	if w.inLit == 0 && w.at == nil {
		w.exits = append(w.exits, slices.Clone(w.held))
		w.exit(s.Pos())
	}
	w.dead = true
}

// ifStmt walks an if statement, whose branches may end differently.
func (w *walker) ifStmt(s *ast.IfStmt) {
	if s.Init != nil {
		w.stmt(s.Init)
	}
	w.expr(s.Cond)
	h0 := slices.Clone(w.held)
	w.cond++
	n := len(w.nilGuards)
	w.nilGuards = append(w.nilGuards, w.nilChecks(s.Cond)...)
	w.block(s.Body)
	w.nilGuards = w.nilGuards[:n]
	then := outcome{w.held, w.dead}
	w.held, w.dead = slices.Clone(h0), false
	if s.Else != nil {
		// An else-if is a list of one, so that a join in its condition
		// dominates only its own branches.
		w.stmts([]ast.Stmt{s.Else}, s.Else.End(), false)
	}
	w.cond--
	w.merge([]outcome{then, {w.held, w.dead}})
}

// forStmt walks a three-clause loop; its post statement writes the loop
// variable at the end of every iteration.
func (w *walker) forStmt(s *ast.ForStmt) {
	if s.Init != nil {
		w.stmt(s.Init)
	}
	if s.Cond != nil {
		w.expr(s.Cond)
	}
	var header []*types.Var
	if as, ok := s.Init.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
		header = w.defined(as.Lhs)
	}
	w.enterLoop(s, s.Init, s.Body, header)
	h0 := slices.Clone(w.held)
	w.loopBody(s.Body)
	w.dead = false
	if s.Post != nil {
		w.stmt(s.Post)
	}
	w.exitLoop()
	w.held = intersect(h0, w.held)
	w.dead = s.Cond == nil && !breaks(s.Body)
}

// rangeStmt walks a range loop: its operand is read once, its variables
// written at the start of every iteration.
func (w *walker) rangeStmt(s *ast.RangeStmt) {
	w.expr(s.X)
	t := w.a.info.TypeOf(s.X)
	if t != nil {
		if l, ok := locOf(w.a.info, s.X); ok {
			switch u := t.Underlying().(type) {
			case *types.Map:
				w.add(l.child(deref), false, false, s.X, "")
			case *types.Slice:
				if s.Value != nil {
					w.add(l.child(deref).child(elem), false, false, s.X, "")
				}
			case *types.Array:
				if s.Value != nil {
					w.add(l.child(elem), false, false, s.X, "")
				}
			case *types.Pointer:
				if _, ok := u.Elem().Underlying().(*types.Array); ok && s.Value != nil {
					w.add(l.child(deref).child(elem), false, false, s.X, "")
				}
			case *types.Chan:
				// Each iteration receives; after the loop the channel is
				// closed. Both follow what the sender did first.
				order, _ := w.pos(s)
				dom := []span{{s.Body.Lbrace, s.Body.Rbrace + 1}}
				dom = append(dom, w.after()...)
				w.addJoin(l, recv, order, dom)
			}
		}
	}

	// The loop writes its variables at the start of every iteration.
	var header []*types.Var
	for _, e := range []ast.Expr{s.Key, s.Value} {
		if e == nil {
			continue
		}
		w.store(e, false)
		if s.Tok == token.DEFINE {
			header = append(header, w.defined([]ast.Expr{e})...)
		}
	}
	w.enterLoop(s, s.X, s.Body, header)
	h0 := slices.Clone(w.held)
	w.loopBody(s.Body)
	w.exitLoop()
	w.held = intersect(h0, w.held)
	w.dead = false
}

// defined returns the variables that identifiers define.
func (w *walker) defined(es []ast.Expr) []*types.Var {
	var out []*types.Var
	for _, e := range es {
		if id, ok := e.(*ast.Ident); ok {
			if v, ok := w.a.info.Defs[id].(*types.Var); ok {
				out = append(out, v)
			}
		}
	}
	return out
}

// enterLoop records a loop of the frame, with what runs once before its
// iterations and the variables its clause declares.
func (w *walker) enterLoop(n, once ast.Node, body *ast.BlockStmt, header []*types.Var) {
	w.loops = append(w.loops, n)
	w.fr.loops = append(w.fr.loops, loop{
		node:    n,
		once:    once,
		bodyEnd: body.Rbrace,
		header:  header,
		perIter: w.a.perIter(n.Pos()),
	})
}

func (w *walker) exitLoop() { w.loops = w.loops[:len(w.loops)-1] }

// breaks reports whether an unlabeled break leaves the loop whose body is
// b, or a labeled break or a goto may.
func breaks(b *ast.BlockStmt) bool {
	found := false
	ast.Inspect(b, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BranchStmt:
			found = n.Tok == token.GOTO || n.Tok == token.BREAK
		case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			// Their unlabeled breaks are their own; look for labeled ones.
			ast.Inspect(n, func(m ast.Node) bool {
				if br, ok := m.(*ast.BranchStmt); ok && (br.Tok == token.GOTO || br.Label != nil) {
					found = true
				}
				return !found
			})
			return false
		case *ast.FuncLit:
			return false
		}
		return !found
	})
	return found
}

// clauses walks the case clauses of a switch.
func (w *walker) clauses(body *ast.BlockStmt) {
	h0 := slices.Clone(w.held)
	var outs []outcome
	hasDefault := false
	for _, c := range body.List {
		cc := c.(*ast.CaseClause)
		if cc.List == nil {
			hasDefault = true
		}
		w.held, w.dead = slices.Clone(h0), false
		for _, e := range cc.List {
			w.expr(e)
		}
		w.cond++
		w.stmts(cc.Body, cc.End(), false)
		w.cond--
		outs = append(outs, outcome{w.held, w.dead && returns(cc.Body)})
	}
	if !hasDefault {
		outs = append(outs, outcome{h0, false})
	}
	w.merge(outs)
}

// selectStmt walks a select: one case runs, after its communication.
func (w *walker) selectStmt(s *ast.SelectStmt) {
	h0 := slices.Clone(w.held)
	var (
		outs   []outcome
		common []*join // joins every case that falls through ends after
		first  = true
	)
	w.cond++
	for _, c := range s.Body.List {
		cc := c.(*ast.CommClause)
		w.held, w.dead = slices.Clone(h0), false
		k := len(w.fr.joins)
		w.lists = append(w.lists, &listCtx{cur: cc.Comm, end: cc.End()})
		w.comm(cc)
		w.lists = w.lists[:len(w.lists)-1]
		w.stmts(cc.Body, cc.End(), false)
		dead := w.dead && returns(cc.Body)
		outs = append(outs, outcome{w.held, dead})
		if dead {
			continue
		}
		var ends []*join
		for _, j := range w.fr.joins[k:] {
			if slices.ContainsFunc(j.dom, func(sp span) bool { return sp.to == cc.End() }) {
				ends = append(ends, j)
			}
		}
		if first {
			common, first = ends, false
		} else {
			common = slices.DeleteFunc(common, func(j *join) bool {
				return !slices.ContainsFunc(ends, func(e *join) bool { return e.loc == j.loc && e.kind == j.kind })
			})
		}
	}
	w.cond--
	w.merge(outs)

	// A wait that every case ending here did is a wait for what
	// follows the select: case <-ctx.Done(): <-done; return / case <-done:
	for _, j := range common {
		w.addJoin(j.loc, j.kind, int(s.End()), w.after())
	}
}

// comm walks the communication of a select case. A receive there is a
// join for the case's body only.
func (w *walker) comm(cc *ast.CommClause) {
	var (
		ch  ast.Expr
		lhs []ast.Expr
	)
	switch c := cc.Comm.(type) {
	case nil:
		return
	case *ast.SendStmt:
		w.stmt(c)
		return
	case *ast.ExprStmt:
		if u, ok := ast.Unparen(c.X).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
			ch = u.X
		}
	case *ast.AssignStmt:
		if u, ok := ast.Unparen(c.Rhs[0]).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
			ch, lhs = u.X, c.Lhs
		}
	}
	if ch == nil {
		w.stmt(cc.Comm)
		return
	}
	w.expr(ch)
	if l, ok := locOf(w.a.info, ch); ok {
		order, _ := w.pos(cc)
		w.addJoin(l, recv, order, []span{{cc.Colon, cc.End()}})
	}
	for _, e := range lhs {
		w.store(e, false)
	}
}

// returns reports whether a clause body ends the function.
func returns(list []ast.Stmt) bool {
	if len(list) == 0 {
		return false
	}
	switch s := list[len(list)-1].(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.ExprStmt:
		if c, ok := s.X.(*ast.CallExpr); ok {
			if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "panic" {
				return true
			}
		}
	}
	return false
}

// goStmt records the start of a goroutine. The function value and the
// arguments are evaluated here, by the starting goroutine.
func (w *walker) goStmt(s *ast.GoStmt) {
	w.operands(s.Call)
	w.startAt(s)
}

// startAt records n as a start of the goroutine entry it begins, if any.
func (w *walker) startAt(n ast.Node) {
	if w.a.entryAt[n] == nil {
		return
	}
	order, anchor := w.pos(n)
	w.fr.starts = append(w.fr.starts, &start{node: n, order: order, anchor: anchor, loops: slices.Clone(w.loops)})
}
