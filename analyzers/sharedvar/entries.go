package sharedvar

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// entryKind says how code comes to run concurrently.
type entryKind int

const (
	goEntry      entryKind = iota // a go statement
	groupEntry                    // sync.WaitGroup.Go, errgroup.Group.Go or TryGo
	handlerEntry                  // an HTTP handler, run on a goroutine per request
	workerEntry                   // the code serving a worker role: a goroutine per worker after migration
	subtestEntry                  // a subtest that calls t.Parallel
	testEntry                     // a test that calls t.Parallel
	afterEntry                    // time.AfterFunc, context.AfterFunc
)

// entry is code that runs concurrently with the code that starts it.
type entry struct {
	kind  entryKind
	at    ast.Node // the go statement, the starting call, the dispatch, the test
	via   string   // the starting call for messages: "wg.Go", "time.AfterFunc"
	root  *frame
	bind  binding // the root's parameters, bound to what the start passes
	group *loc    // the WaitGroup or errgroup.Group whose Wait joins it
	role  string  // for a worker
	multi bool    // for a worker: several workers run the role
	after token.Pos

	// The root's accesses, signals and joins in the terms of the code
	// that starts it: captured variables as they are, parameters bound
	// to the arguments, the root's own variables left out.
	region  []*access
	byRoot  map[*types.Var]*accessSet
	signals []*signal
	joins   []*join
	escapes []loc           // what it hands to code the analysis does not see
	reach   map[*frame]bool // frames it runs, for nested starts
}

// findEntries collects the entries of the package: those of package
// workers, then parallel tests and subtests and time.AfterFunc, which it
// does not list. It must run before any frame is built, since the walker
// skips the literals entries run.
func (a *state) findEntries(m *workers.Model) {
	for _, e := range workers.Entries(m, a.files, a.info) {
		switch e.Kind {
		case workers.WorkerEntry:
			a.workerEntry(m, e)
		default:
			a.goroutineEntry(e)
		}
	}
	for _, f := range a.files {
		a.testEntries(f)
	}
}

// addEntry records e, and the literal it runs, which the walker skips.
func (a *state) addEntry(e *entry, fun ast.Expr) {
	a.entries = append(a.entries, e)
	a.entryAt[e.at] = e
	if lit, ok := ast.Unparen(fun).(*ast.FuncLit); ok {
		a.entryLits[lit] = true
	}
}

// workerEntry adds the entry of a dispatch that some spawn of the
// package starts; a dispatch no spawn starts is a subcommand.
func (a *state) workerEntry(m *workers.Model, e workers.Entry) {
	var d *workers.Dispatch
	for _, x := range m.Dispatches {
		if x.Node == e.At {
			d = x
		}
	}
	if d == nil || len(d.Body) == 0 {
		return
	}
	var spawns []*workers.Spawn
	for _, s := range m.Spawns {
		if s.Dispatch == d {
			spawns = append(spawns, s)
		}
	}
	if len(spawns) == 0 {
		return // a subcommand: no worker runs it
	}
	a.entries = append(a.entries, &entry{
		kind: workerEntry, at: e.At, role: d.Role,
		multi: a.severalWorkers(spawns),
	})
}

// severalWorkers reports whether more than one worker can run a role at
// once: it is spawned in more than one place, or in a loop, a goroutine
// or a function literal, or in a function that is, up the calls.
func (a *state) severalWorkers(spawns []*workers.Spawn) bool {
	if len(spawns) > 1 {
		return true
	}
	s := spawns[0]
	if s.Func == nil {
		return false
	}
	if inLoop(a.files, s.Call.Pos()) {
		return true
	}
	fn, ok := a.info.Defs[s.Func.Name].(*types.Func)
	return ok && a.calledSeveral(fn, make(map[*types.Func]bool))
}

// calledSeveral reports whether fn can run more than once at a time:
// called from more than one place, or from a loop or a goroutine, itself
// or one of its callers.
func (a *state) calledSeveral(fn *types.Func, seen map[*types.Func]bool) bool {
	if seen[fn] {
		return false
	}
	seen[fn] = true
	calls := a.callersOf(fn)
	if len(calls) > 1 {
		return true
	}
	for _, c := range calls {
		if inLoop(a.files, c.Pos()) {
			return true
		}
		if fd := a.funcAt(c.Pos()); fd != nil {
			if caller, ok := a.info.Defs[fd.Name].(*types.Func); ok && a.calledSeveral(caller, seen) {
				return true
			}
		}
	}
	return false
}

// inLoop reports whether pos is in a loop or a goroutine's function
// literal within its function declaration.
func inLoop(files []*ast.File, pos token.Pos) bool {
	found := false
	for _, f := range files {
		if pos < f.Pos() || pos >= f.End() {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil || found || pos < n.Pos() || pos >= n.End() {
				return false
			}
			switch n.(type) {
			case *ast.ForStmt, *ast.RangeStmt, *ast.GoStmt:
				found = true
			}
			return true
		})
	}
	return found
}

// goroutineEntry adds the entry of a go statement, or of a call that runs
// a function on a goroutine: a group's Go, or an HTTP handler.
func (a *state) goroutineEntry(e workers.Entry) {
	switch at := e.At.(type) {
	case *ast.GoStmt:
		a.addEntry(&entry{kind: goEntry, at: at}, at.Call.Fun)
	case *ast.CallExpr:
		fn, _ := typeutil.Callee(a.info, at).(*types.Func)
		if fn == nil || len(at.Args) == 0 {
			return
		}
		x := &entry{kind: handlerEntry, at: at, via: callName(at)}
		if fn.Pkg().Path() != "net/http" {
			x.kind = groupEntry
			r := (&walker{a: a}).receiver(at, fn)
			if r.ok {
				g := r.mem()
				x.group = &g
			}
		}
		a.addEntry(x, handlerFunc(a.info, at.Args[len(at.Args)-1]))
	}
}

// callName names the function a call calls as written: wg.Go,
// http.HandleFunc.
func callName(c *ast.CallExpr) string {
	switch f := ast.Unparen(c.Fun).(type) {
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok {
			return x.Name + "." + f.Sel.Name
		}
		return f.Sel.Name
	case *ast.Ident:
		return f.Name
	}
	return "the call"
}

// handlerFunc looks through a conversion to http.HandlerFunc.
func handlerFunc(info *types.Info, e ast.Expr) ast.Expr {
	if c, ok := ast.Unparen(e).(*ast.CallExpr); ok && len(c.Args) == 1 {
		if tv, ok := info.Types[c.Fun]; ok && tv.IsType() {
			return c.Args[0]
		}
	}
	return e
}

// testEntries finds, in a test file, parallel tests, parallel subtests,
// and anywhere the functions that time.AfterFunc and context.AfterFunc
// run on a goroutine of their own.
func (a *state) testEntries(f *ast.File) {
	isTest := strings.HasSuffix(a.fset.File(f.Pos()).Name(), "_test.go")
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		if isTest && fd.Recv == nil && strings.HasPrefix(fd.Name.Name, "Test") {
			if p := a.parallelCall(fd.Type, fd.Body); p.IsValid() {
				a.entries = append(a.entries, &entry{kind: testEntry, at: fd, after: p})
			}
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok || len(c.Args) != 2 {
				return true
			}
			fn, _ := typeutil.Callee(a.info, c).(*types.Func)
			if fn == nil || fn.Pkg() == nil {
				return true
			}
			switch fn.Pkg().Path() + "." + recvTypeName(fn) + "." + fn.Name() {
			case "time..AfterFunc", "context..AfterFunc":
				a.addEntry(&entry{kind: afterEntry, at: c, via: callName(c)}, c.Args[1])
			case "testing.T.Run":
				lit, ok := ast.Unparen(c.Args[1]).(*ast.FuncLit)
				if !ok {
					return true
				}
				if p := a.parallelCall(lit.Type, lit.Body); p.IsValid() {
					a.addEntry(&entry{kind: subtestEntry, at: c, after: p}, lit)
				}
			}
			return true
		})
	}
}

// parallelCall returns the end of a statement t.Parallel() at the top of
// body, where t is the first parameter, or NoPos.
func (a *state) parallelCall(ft *ast.FuncType, body *ast.BlockStmt) token.Pos {
	if ft.Params == nil || len(ft.Params.List) == 0 || len(ft.Params.List[0].Names) == 0 {
		return token.NoPos
	}
	t := a.info.Defs[ft.Params.List[0].Names[0]]
	for _, s := range body.List {
		es, ok := s.(*ast.ExprStmt)
		if !ok {
			continue
		}
		c, ok := es.X.(*ast.CallExpr)
		if !ok {
			continue
		}
		sel, ok := c.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Parallel" {
			continue
		}
		if x, ok := sel.X.(*ast.Ident); ok && a.info.Uses[x] == t && t != nil {
			return s.End()
		}
	}
	return token.NoPos
}

// buildEntries builds the frame each entry runs and its region.
func (a *state) buildEntries(m *workers.Model) {
	for _, e := range a.entries {
		a.buildEntry(m, e)
	}
	kept := a.entries[:0]
	for _, e := range a.entries {
		if e.root != nil {
			kept = append(kept, e)
		}
	}
	a.entries = kept
}

// buildEntry builds the frame e runs and translates it into e's region.
func (a *state) buildEntry(m *workers.Model, e *entry) {
	switch e.kind {
	case workerEntry:
		var d *workers.Dispatch
		for _, x := range m.Dispatches {
			if x.Node == e.at {
				d = x
			}
		}
		first, last := d.Body[0], d.Body[len(d.Body)-1]
		f := &frame{
			node: e.at, name: fmt.Sprintf("worker code for role %q", d.Role),
			from: first.Pos(), to: last.End(), end: last.End(), decl: true,
		}
		a.walkStmts(f, d.Body, d.Func)
		e.root = f
	case goEntry:
		g := e.at.(*ast.GoStmt)
		e.root, e.bind = a.resolve(g.Call.Fun, g.Call.Args)
	case groupEntry, handlerEntry, afterEntry, subtestEntry:
		c := e.at.(*ast.CallExpr)
		e.root, e.bind = a.resolve(handlerFunc(a.info, c.Args[len(c.Args)-1]), nil)
	case testEntry:
		e.root = a.declFrame(e.at.(*ast.FuncDecl))
		e.bind = binding{}
	}
	if e.root == nil {
		return
	}
	a.region(e)
}

// resolve returns the frame of a function value started as a goroutine,
// and its parameters bound to args: a literal, a declared function, a
// method value, a closure, or a value whose ServeHTTP method is declared
// here.
func (a *state) resolve(fun ast.Expr, args []ast.Expr) (*frame, binding) {
	w := &walker{a: a}
	b := make(binding)
	bindArgs := func(params *types.Tuple) {
		for i := 0; i < params.Len() && i < len(args); i++ {
			if x, ok := w.argOf(args[i]); ok {
				b[params.At(i)] = x
			}
		}
	}
	var lit *ast.FuncLit
	switch f := ast.Unparen(fun).(type) {
	case *ast.FuncLit:
		lit = f
	case *ast.Ident:
		lit = a.closureOf(f)
	}
	if lit != nil {
		fr := a.litFrame(lit)
		if sig, ok := a.info.TypeOf(lit).(*types.Signature); ok && fr != nil {
			bindArgs(sig.Params())
		}
		return fr, b
	}

	var fn *types.Func
	if id := workers.RefIdent(fun); id != nil {
		fn, _ = a.info.Uses[id].(*types.Func)
	}
	if fn == nil {
		// A handler value: its ServeHTTP, with the value as receiver.
		t := a.info.TypeOf(fun)
		if t == nil {
			return nil, nil
		}
		obj, _, _ := types.LookupFieldOrMethod(t, true, a.pkg, "ServeHTTP")
		fn, _ = obj.(*types.Func)
		if fn == nil || a.declOf(fn) == nil {
			return nil, nil
		}
		if x, ok := w.argOf(fun); ok && isPointer(fn.Signature().Recv().Type()) {
			b[fn.Origin().Signature().Recv()] = x
		}
		return a.declFrame(a.declOf(fn)), b
	}
	decl := a.declOf(fn)
	if decl == nil {
		return nil, nil
	}
	sig := fn.Origin().Signature()
	if sel, ok := ast.Unparen(fun).(*ast.SelectorExpr); ok && sig.Recv() != nil && isPointer(sig.Recv().Type()) {
		if x, ok := w.methodValueRecv(sel); ok {
			b[sig.Recv()] = x
		}
	}
	bindArgs(sig.Params())
	return a.declFrame(decl), b
}

// region translates an entry's frame into the terms of the code that
// starts it.
func (a *state) region(e *entry) {
	f := e.root
	for _, x := range f.accs {
		if e.after.IsValid() && x.anchor < e.after {
			continue // before t.Parallel: run before the other subtests resume
		}
		if e.kind == workerEntry && !isPkgVar(x.loc.root) {
			continue // the branch's own variables stay with each worker
		}
		l, ok := f.subst(x.loc, e.bind)
		if !ok {
			continue
		}
		y := *x
		y.fk = nil
		y.loc = l
		y.locks = f.substLocks(x.locks, e.bind)
		if _, isParam := e.bind[x.loc.root]; isParam {
			y.bound = true
		}
		e.region = append(e.region, &y)
	}
	e.byRoot = index(e.region)
	for _, s := range f.signals {
		if l, ok := f.subst(s.loc, e.bind); ok {
			e.signals = append(e.signals, &signal{loc: l, kind: s.kind, seq: s.seq})
		}
	}
	for _, j := range f.joins {
		if l, ok := f.subst(j.loc, e.bind); ok {
			e.joins = append(e.joins, &join{loc: l, kind: j.kind, order: j.order, dom: j.dom})
		}
	}
	for _, x := range f.escapes {
		if l, ok := f.subst(x, e.bind); ok {
			e.escapes = append(e.escapes, l)
		}
	}
	if e.group != nil {
		// The group's Wait returns after the function returns.
		kind := wgDone
		if e.kind == groupEntry && !isWaitGroup(a.info, e.at.(*ast.CallExpr)) {
			kind = groupDone
		}
		e.signals = append(e.signals, &signal{loc: *e.group, kind: kind, seq: []int{int(^uint(0) >> 1)}})
	}
}

// isWaitGroup reports whether c is a method of sync.WaitGroup.
func isWaitGroup(info *types.Info, c *ast.CallExpr) bool {
	fn, _ := typeutil.Callee(info, c).(*types.Func)
	return fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "sync" && recvTypeName(fn) == "WaitGroup"
}

// describe says what runs an entry's code, for messages: "the goroutine
// started at main.go:12".
func (a *state) describe(e *entry) string {
	at := a.where(e.at.Pos())
	switch e.kind {
	case groupEntry, afterEntry:
		return fmt.Sprintf("the goroutine %s starts at %s", e.via, at)
	case handlerEntry:
		return fmt.Sprintf("the handler registered with %s at %s", e.via, at)
	case workerEntry:
		return fmt.Sprintf("worker code for role %q", e.role)
	case subtestEntry:
		return "the parallel subtest at " + at
	case testEntry:
		return "parallel test " + e.at.(*ast.FuncDecl).Name.Name
	}
	return "the goroutine started at " + at
}

// describeOther says what runs another instance of an entry's code.
func describeOther(e *entry) string {
	switch e.kind {
	case handlerEntry:
		return "the same handler for another request"
	case workerEntry:
		return fmt.Sprintf("another worker for role %q", e.role)
	case subtestEntry:
		return "another run of that subtest"
	}
	return "another run of that goroutine"
}
