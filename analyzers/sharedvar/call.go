package sharedvar

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/types/typeutil"
)

// call walks a call: what it reads before it runs, then what it does.
func (w *walker) call(c *ast.CallExpr) {
	w.operands(c)
	w.effects(c)
}

// operands walks what a call evaluates before it runs: the function
// value, the receiver and the arguments. A deferred call evaluates them
// at the defer statement, a go statement before the goroutine starts.
func (w *walker) operands(c *ast.CallExpr) {
	info := w.a.info
	switch fun := ast.Unparen(c.Fun).(type) {
	case *ast.FuncLit:
		// Called in place: its body is walked as the call's effect.
	case *ast.SelectorExpr:
		if sel := info.Selections[fun]; sel != nil && sel.Kind() == types.MethodVal {
			w.receiverOperand(fun.X)
		} else {
			w.expr(fun)
		}
	case *ast.Ident:
		if w.a.closureOf(fun) == nil {
			w.expr(fun)
		}
	default:
		w.expr(fun)
	}
	for _, a := range c.Args {
		a = ast.Unparen(a)
		if lit, ok := a.(*ast.FuncLit); ok && (w.a.entryLits[lit] || w.a.runsLater(c)) {
			continue
		}
		if u, ok := a.(*ast.UnaryExpr); ok && u.Op == token.AND {
			w.addr(u.X)
			continue
		}
		w.expr(a)
	}
}

// receiverOperand walks the receiver x of a method call. A pointer or an
// interface is read; a value is addressed or copied by the method, which
// effects records.
func (w *walker) receiverOperand(x ast.Expr) {
	l, ok := locOf(w.a.info, x)
	if !ok {
		w.expr(x)
		return
	}
	switch w.a.info.TypeOf(x).Underlying().(type) {
	case *types.Pointer, *types.Interface, *types.Map, *types.Chan, *types.Signature:
		w.load(l, x)
	default:
		w.prefixes(l, x)
	}
	w.indexes(x)
}

// recvArg is the receiver of a method call as a location: the value's
// memory (addr) or a pointer to it.
type recvArg struct {
	arg
	ok bool
}

// mem returns the location of the receiver's value.
func (r recvArg) mem() loc {
	if r.addr {
		return r.loc
	}
	return r.loc.child(deref)
}

// receiver returns the receiver of a method call c of fn.
func (w *walker) receiver(c *ast.CallExpr, fn *types.Func) recvArg {
	info := w.a.info
	sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr)
	if !ok || fn.Signature().Recv() == nil {
		return recvArg{}
	}
	s := info.Selections[sel]
	if s == nil || s.Kind() != types.MethodVal {
		return recvArg{}
	}
	l, ok := locOf(info, sel.X)
	if !ok {
		return recvArg{}
	}
	t := info.TypeOf(sel.X)
	idx := s.Index()
	l = fieldPath(l, t, idx[:len(idx)-1])
	t = typeAt(t, idx[:len(idx)-1])
	if t == nil {
		return recvArg{}
	}
	if _, isPtr := t.Underlying().(*types.Pointer); isPtr {
		return recvArg{arg{loc: l}, true}
	}
	if types.IsInterface(t) {
		return recvArg{}
	}
	return recvArg{arg{loc: l, addr: true}, true}
}

// typeAt returns the type of the field at the end of an index path from t.
func typeAt(t types.Type, index []int) types.Type {
	for _, i := range index {
		if ptr, ok := t.Underlying().(*types.Pointer); ok {
			t = ptr.Elem()
		}
		s, ok := t.Underlying().(*types.Struct)
		if !ok || i >= s.NumFields() {
			return nil
		}
		t = s.Field(i).Type()
	}
	return t
}

// effects walks what a call does once its operands are evaluated.
func (w *walker) effects(c *ast.CallExpr) {
	info := w.a.info
	if tv, ok := info.Types[c.Fun]; ok && tv.IsType() {
		return // a conversion
	}
	if name := builtinName(info, c); name != "" {
		w.builtin(name, c)
		return
	}
	if w.a.entryAt[c] != nil {
		w.startAt(c)
		return
	}
	switch fun := ast.Unparen(c.Fun).(type) {
	case *ast.FuncLit:
		w.inlineAt(fun, c)
		return
	case *ast.Ident:
		if lit := w.a.closureOf(fun); lit != nil {
			w.inlineAt(lit, c)
			return
		}
	}
	fn, _ := typeutil.Callee(info, c).(*types.Func)
	if fn == nil {
		// A function value: not followed, but what it is called on
		// and with is handed to code that may signal on it.
		//
		// TODO(procmigrate): calls through function values and
		// interface methods are not followed, so what they access is
		// not seen.
		w.escape(c.Fun)
		w.escapeArgs(c)
		return
	}
	recv := w.receiver(c, fn)
	if w.syncCall(fn, c, recv) || w.knownCall(fn, c, recv) {
		return
	}
	if r := fn.Signature().Recv(); r != nil && types.IsInterface(r.Type()) {
		w.escape(c.Fun)
		w.escapeArgs(c)
		return
	}

	// A value receiver is a copy of the whole value, made at the call.
	if r := fn.Signature().Recv(); r != nil && recv.ok && !isPointer(r.Type()) && !types.IsInterface(r.Type()) {
		if _, ok := r.Type().Underlying().(*types.Struct); ok {
			w.add(recv.mem(), false, false, c.Fun, "copied for the value receiver of "+funcName(fn, w.a.pkg))
		}
	}

	b := w.bind(fn, c, recv)
	if decl := w.a.declOf(fn); decl != nil {
		if callee := w.a.declFrame(decl); callee != nil {
			w.instantiate(callee, b, c, funcName(fn, w.a.pkg))
		}
		return
	}
	if w.a.importFact != nil && fn.Pkg() != nil && fn.Pkg() != w.a.pkg {
		if fact, ok := w.a.importFact(fn); ok {
			w.instantiateFact(fact, fn, b, c)
			return
		}
	}
	w.escapeArgs(c)

	// A method of another package called on an addressable value reads
	// it at least; whether it writes is not known.
	//
	// TODO(procmigrate): such methods are taken to read only, so a
	// value of another package's type written through its own methods,
	// other than the buffers knownCall lists, is not reported.
	if r := fn.Signature().Recv(); r != nil && recv.ok && recv.addr && isPointer(r.Type()) {
		w.prefixes(recv.loc, c.Fun)
		w.add(recv.loc, false, false, c.Fun, "")
	}
}

// isPointer reports whether t is a pointer type.
func isPointer(t types.Type) bool {
	_, ok := t.Underlying().(*types.Pointer)
	return ok
}

// builtinName returns the name of the builtin c calls, or "".
func builtinName(info *types.Info, c *ast.CallExpr) string {
	id, ok := ast.Unparen(c.Fun).(*ast.Ident)
	if !ok {
		return ""
	}
	if b, ok := info.Uses[id].(*types.Builtin); ok {
		return b.Name()
	}
	return ""
}

// builtin walks what a builtin does beyond reading its operands.
func (w *walker) builtin(name string, c *ast.CallExpr) {
	info := w.a.info
	if len(c.Args) == 0 {
		return
	}
	target := func(e ast.Expr) (loc, bool) {
		l, ok := locOf(info, e)
		if !ok {
			return loc{}, false
		}
		switch typeUnder(info.TypeOf(e)).(type) {
		case *types.Map:
			return l.child(deref), true
		case *types.Slice:
			return l.child(deref).child(elem), true
		}
		return loc{}, false
	}
	switch name {
	case "copy":
		if l, ok := target(c.Args[0]); ok {
			w.add(l, true, false, c, "")
		}
		if len(c.Args) > 1 {
			if l, ok := target(c.Args[1]); ok {
				w.add(l, false, false, c, "")
			}
		}
	case "delete", "clear":
		if l, ok := target(c.Args[0]); ok {
			w.add(l, true, false, c, "")
		}
	case "close":
		w.chanSignal(c.Args[0], c)
	}
}

// bind maps the parameters of fn to what call c passes.
func (w *walker) bind(fn *types.Func, c *ast.CallExpr, recv recvArg) binding {
	sig := fn.Origin().Signature()
	b := make(binding)
	args := c.Args
	if r := sig.Recv(); r != nil {
		switch {
		case recv.ok && isPointer(r.Type()):
			b[r] = recv.arg
		case isMethodExpr(w.a.info, c.Fun) && len(args) > 0:
			if a, ok := w.argOf(args[0]); ok && isPointer(r.Type()) {
				b[r] = a
			}
			args = args[1:]
		}
	}
	params := sig.Params()
	for i := 0; i < params.Len() && i < len(args); i++ {
		if sig.Variadic() && i == params.Len()-1 {
			break
		}
		if a, ok := w.argOf(args[i]); ok {
			b[params.At(i)] = a
		}
	}
	return b
}

// argOf returns the location an argument passes: &x passes x's address.
func (w *walker) argOf(e ast.Expr) (arg, bool) {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		l, ok := locOf(w.a.info, u.X)
		return arg{loc: l, addr: true}, ok
	}
	l, ok := locOf(w.a.info, e)
	return arg{loc: l}, ok
}

// isMethodExpr reports whether fun is a method expression, T.m.
func isMethodExpr(info *types.Info, fun ast.Expr) bool {
	sel, ok := ast.Unparen(fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	s := info.Selections[sel]
	return s != nil && s.Kind() == types.MethodExpr
}

// instantiate adds what callee does, called at c with parameters bound by
// b, to the frame: its accesses, signals, the joins it ends with, and the
// locks it leaves taken or released.
func (w *walker) instantiate(callee *frame, b binding, c *ast.CallExpr, name string) {
	order, anchor := w.pos(c)
	cs := w.seq(c.Pos())
	for _, x := range callee.accessSummary() {
		l, ok := callee.subst(x.loc, b)
		if !ok || !w.a.tracked(l.root) {
			continue
		}
		locks := heldLocks(w.held, x.write)
		locks = append(slices.Clip(locks), callee.substLocks(x.locks, b)...)
		w.push(&access{
			loc: l, write: x.write, atomic: x.atomic, rmw: x.rmw,
			locks: locks, order: order, anchor: anchor, seq: within(cs, x.seq),
			pos: x.pos, end: x.end, expr: x.expr, fn: x.fn,
			chain: append([]string{name}, x.chain...),
			note:  x.note, at: x.at, lazy: x.lazy || x.write && w.inOnce(),
			after: callee.substRefs(callee.joinsBefore(x), b),
		})
	}
	for _, e := range callee.escapes {
		if l, ok := callee.subst(e, b); ok {
			w.addEscape(l)
		}
	}
	for _, s := range callee.signals {
		if l, ok := callee.subst(s.loc, b); ok {
			w.fr.signals = append(w.fr.signals, &signal{loc: l, kind: s.kind, seq: within(cs, s.seq)})
		}
	}
	for _, j := range callee.exitJoins {
		if l, ok := callee.subst(j.loc, b); ok {
			w.addJoin(l, j.kind, order, w.dom(c.Pos()))
		}
	}
	for _, l := range callee.substLocks(callee.lockOut, b) {
		w.acquire(l)
	}
	for _, l := range callee.substLocks(callee.unlockOut, b) {
		w.release(l.loc)
	}
	w.fr.calls = append(w.fr.calls, &callSite{
		call: c, callee: callee, bind: b,
		order: order, anchor: anchor, loops: slices.Clone(w.loops),
	})
}

// inlineAt walks a function literal called at c as if it ran there.
func (w *walker) inlineAt(lit *ast.FuncLit, c *ast.CallExpr) {
	saved := w.at
	if w.at == nil {
		order, anchor := w.pos(c)
		w.at = &override{order: order, anchor: anchor, depth: len(w.lists)}
	}
	w.inline(lit)
	w.at = saved
}

// escape records that the value e, or what it is called on for a method
// or field, goes to code the analysis does not see.
func (w *walker) escape(e ast.Expr) {
	e = ast.Unparen(e)
	if sel, ok := e.(*ast.SelectorExpr); ok && w.a.info.Selections[sel] != nil {
		e = sel.X
	}
	l, ok := locOf(w.a.info, e)
	if !ok {
		return
	}
	if t := w.a.info.TypeOf(e); t != nil {
		switch t.Underlying().(type) {
		case *types.Pointer, *types.Map, *types.Chan, *types.Slice:
			l = l.child(deref) // what it leads to, which a callee can reach
		}
	}
	w.addEscape(l)
}

// maxEscapes bounds what a frame records as handed to unseen code; only
// the variables matter, so a few suffice.
const maxEscapes = 64

// addEscape records l as handed to unseen code, one per variable.
func (w *walker) addEscape(l loc) {
	if len(w.fr.escapes) < maxEscapes && !slices.ContainsFunc(w.fr.escapes, func(e loc) bool { return e.root == l.root }) {
		w.fr.escapes = append(w.fr.escapes, l)
	}
}

// escapeArgs records the arguments of c as handed to unseen code.
func (w *walker) escapeArgs(c *ast.CallExpr) {
	for _, a := range c.Args {
		if u, ok := ast.Unparen(a).(*ast.UnaryExpr); ok && u.Op == token.AND {
			if l, ok := locOf(w.a.info, u.X); ok {
				w.addEscape(l)
			}
			continue
		}
		w.escape(a)
	}
}
