package sharedvar

import (
	"go/ast"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// recvTypeName returns the name of the type fn is a method of, or "".
func recvTypeName(fn *types.Func) string {
	r := fn.Signature().Recv()
	if r == nil {
		return ""
	}
	t := r.Type()
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Name()
	}
	return ""
}

// syncCall walks a call of package sync, sync/atomic or errgroup and
// reports whether c was one: mutexes are taken and released, a
// WaitGroup's Wait joins what Done signals, sync.Once.Do runs its
// function once for every caller, atomics neither race with each other
// nor let a plain access off.
func (w *walker) syncCall(fn *types.Func, c *ast.CallExpr, recv recvArg) bool {
	if fn.Pkg() == nil {
		return false
	}
	switch fn.Pkg().Path() {
	case "sync":
		w.syncMethod(fn, c, recv)
		return true
	case "sync/atomic":
		w.atomicCall(fn, c, recv)
		return true
	case "testing/synctest", "internal/synctest":
		if fn.Name() == "Wait" {
			order, _ := w.pos(c)
			// The join waits on the whole bubble, not on one value, so
			// it names none: ordered looks at its kind alone.
			w.addJoin(loc{}, bubbleWait, order, w.dom(c.Pos()))
		}
		return false
	case "golang.org/x/sync/errgroup":
		if recvTypeName(fn) == "Group" && fn.Name() == "Wait" && recv.ok {
			order, _ := w.pos(c)
			w.addJoin(recv.mem(), groupWait, order, w.dom(c.Pos()))
		}
		return true
	}
	return false
}

// syncMethod walks a method of package sync.
func (w *walker) syncMethod(fn *types.Func, c *ast.CallExpr, recv recvArg) {
	var mem loc // the value the method is called on; zero if unknown
	if recv.ok {
		mem = recv.mem()
	}
	switch recvTypeName(fn) {
	case "Mutex", "RWMutex":
		// Besides guarding what they hold, an Unlock happens before the
		// next Lock: code after a Lock sees what was written before an
		// earlier Unlock. The analysis takes the earlier one to come
		// first, which holds for a lock taken to see what another
		// goroutine set up, and errs toward no report otherwise.
		switch fn.Name() {
		case "Lock", "TryLock":
			w.acquire(lockRef{loc: mem})
			w.lockJoin(mem, lockW, c)
		case "RLock", "TryRLock":
			w.acquire(lockRef{loc: mem, read: true})
			w.lockJoin(mem, lockR, c)
		case "Unlock":
			w.release(mem)
			w.addSignal(mem, unlockW, c)
		case "RUnlock":
			w.release(mem)
			w.addSignal(mem, unlockR, c)
		}
	case "Locker":
		// An interface: the lock is whatever the variable holds.
		var l loc
		if sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr); ok {
			l, _ = locOf(w.a.info, sel.X)
		}
		switch fn.Name() {
		case "Lock":
			w.acquire(lockRef{loc: l})
			w.lockJoin(l, lockW, c)
		case "Unlock":
			w.release(l)
			w.addSignal(l, unlockW, c)
		}
	case "WaitGroup":
		switch fn.Name() {
		case "Done":
			if recv.ok {
				w.addSignal(mem, wgDone, c)
			}
		case "Wait":
			if recv.ok {
				order, _ := w.pos(c)
				w.addJoin(mem, wgWait, order, w.dom(c.Pos()))
			}
		}
	case "Once":
		if fn.Name() != "Do" || len(c.Args) != 1 {
			return
		}
		// The function runs once, and every Do returns after it did:
		// its writes are guarded against each other and against the
		// reads that follow a Do of the same Once.
		once := lockRef{loc: mem, once: true}
		w.held = append(slices.Clip(w.held), once)
		w.runArg(c.Args[0], c)
		w.release(mem)
		w.acquire(lockRef{loc: mem, once: true, read: true, readsOnly: true})
	}
}

// runArg walks function f, passed to c, as running during the call.
func (w *walker) runArg(f ast.Expr, c *ast.CallExpr) {
	switch f := ast.Unparen(f).(type) {
	case *ast.FuncLit:
		w.inline(f)
	case *ast.Ident:
		if lit := w.a.closureOf(f); lit != nil {
			w.inlineAt(lit, c)
			return
		}
		w.runFunc(f, c)
	case *ast.SelectorExpr:
		w.runFunc(f, c)
	}
}

// runFunc walks the declared function or method value f as if called at
// c without arguments.
func (w *walker) runFunc(f ast.Expr, c *ast.CallExpr) {
	id := workers.RefIdent(f)
	if id == nil {
		return
	}
	fn, ok := w.a.info.Uses[id].(*types.Func)
	if !ok {
		return
	}
	decl := w.a.declOf(fn)
	if decl == nil {
		return
	}
	callee := w.a.declFrame(decl)
	if callee == nil {
		return
	}
	b := make(binding)
	if sel, ok := ast.Unparen(f).(*ast.SelectorExpr); ok {
		if r := fn.Signature().Recv(); r != nil && isPointer(r.Type()) {
			if a, ok := w.methodValueRecv(sel); ok {
				b[fn.Origin().Signature().Recv()] = a
			}
		}
	}
	w.instantiate(callee, b, c, funcName(fn, w.a.pkg))
}

// methodValueRecv returns the receiver a method value x.m binds, for a
// method with a pointer receiver.
func (w *walker) methodValueRecv(sel *ast.SelectorExpr) (arg, bool) {
	s := w.a.info.Selections[sel]
	if s == nil || s.Kind() != types.MethodVal {
		return arg{}, false
	}
	l, ok := locOf(w.a.info, sel.X)
	if !ok {
		return arg{}, false
	}
	t := w.a.info.TypeOf(sel.X)
	idx := s.Index()
	l = fieldPath(l, t, idx[:len(idx)-1])
	t = typeAt(t, idx[:len(idx)-1])
	if t == nil {
		return arg{}, false
	}
	return arg{loc: l, addr: !isPointer(t)}, true
}

// atomicCall walks a function of sync/atomic or a method of one of its
// types.
func (w *walker) atomicCall(fn *types.Func, c *ast.CallExpr, recv recvArg) {
	var (
		target loc
		ok     bool
	)
	if fn.Signature().Recv() != nil {
		target, ok = recv.mem(), recv.ok
	} else if len(c.Args) > 0 {
		var a arg
		if a, ok = w.argOf(c.Args[0]); ok {
			target = recvArg{a, true}.mem()
		}
	}
	if !ok {
		return
	}
	name := fn.Name()
	write := !strings.HasPrefix(name, "Load")
	x := w.add(target, write, strings.HasPrefix(name, "Add"), c, "")
	if x != nil {
		x.atomic = true
	}
	if write {
		w.addSignal(target, atomicStore, c)
	} else {
		order, _ := w.pos(c)
		w.addJoin(target, atomicLoad, order, w.dom(c.Pos()))
	}
}

// lockJoin records taking the lock at l as a join.
func (w *walker) lockJoin(l loc, kind syncKind, c *ast.CallExpr) {
	if l.root == nil {
		return
	}
	order, _ := w.pos(c)
	w.addJoin(l, kind, order, w.dom(c.Pos()))
}

// acquire adds l to the locks held.
func (w *walker) acquire(l lockRef) {
	if !slices.ContainsFunc(w.held, l.same) {
		w.held = append(slices.Clip(w.held), l)
	}
}

// release removes the locks on l. Releasing a lock the function did not
// take makes it an unlocking helper.
func (w *walker) release(l loc) {
	n := len(w.held)
	w.held = slices.DeleteFunc(slices.Clone(w.held), func(h lockRef) bool { return h.loc == l })
	if len(w.held) == n && w.inLit == 0 && w.at == nil && l.root != nil {
		w.fr.unlockOut = append(w.fr.unlockOut, lockRef{loc: l})
	}
}

// unlockCall returns the lock c releases, if c is an Unlock or RUnlock.
func (w *walker) unlockCall(c *ast.CallExpr) (lockRef, bool) {
	fn, _ := typeutil.Callee(w.a.info, c).(*types.Func)
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "sync" {
		return lockRef{}, false
	}
	if fn.Name() != "Unlock" && fn.Name() != "RUnlock" {
		return lockRef{}, false
	}
	switch recvTypeName(fn) {
	case "Mutex", "RWMutex":
		r := w.receiver(c, fn)
		if !r.ok {
			return lockRef{}, true
		}
		return lockRef{loc: r.mem()}, true
	case "Locker":
		sel, _ := ast.Unparen(c.Fun).(*ast.SelectorExpr)
		if sel == nil {
			return lockRef{}, true
		}
		l, _ := locOf(w.a.info, sel.X)
		return lockRef{loc: l}, true
	}
	return lockRef{}, false
}

// runsLater reports whether c runs its function arguments other than
// right away and unguarded: sync.Once.Do, walked as the call's effect,
// and sync.OnceFunc and its kin, whose function runs once, later.
func (a *state) runsLater(c *ast.CallExpr) bool {
	fn, _ := typeutil.Callee(a.info, c).(*types.Func)
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "sync" {
		return false
	}
	switch fn.Name() {
	case "Do", "OnceFunc", "OnceValue", "OnceValues":
		return true
	}
	return false
}
