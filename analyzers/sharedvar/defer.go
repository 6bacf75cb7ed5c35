package sharedvar

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
)

// deferStmt walks a defer statement: its operands now, its call when
// the function returns.
func (w *walker) deferStmt(s *ast.DeferStmt) {
	// defer mu.Unlock() keeps mu held to the end; code deferred after it
	// runs before it, with mu still held.
	if l, ok := w.unlockCall(s.Call); ok {
		for _, h := range w.held {
			if h.loc == l.loc {
				l = h // as taken: for writing or reading
			}
		}
		w.defers = append(w.defers, deferred{held: []lockRef{l}})
		return
	}
	if lit, ok := ast.Unparen(s.Call.Fun).(*ast.FuncLit); ok {
		for _, a := range s.Call.Args {
			w.expr(a)
		}
		w.defers = append(w.defers, deferred{call: &ast.CallExpr{Fun: lit}, held: w.deferredHeld()})
		return
	}
	w.operands(s.Call)
	w.defers = append(w.defers, deferred{call: s.Call, held: w.deferredHeld()})
}

// keepOnce adds to each deferred call the reads a sync.Once done on
// every path to the end guards: they stay done.
func (w *walker) keepOnce() {
	if len(w.exits) == 0 {
		return
	}
	done := w.exits[0]
	for _, e := range w.exits[1:] {
		done = intersect(done, e)
	}
	for i := range w.defers {
		if w.defers[i].call == nil {
			continue // a deferred Unlock
		}
		for _, l := range done {
			if l.readsOnly {
				w.defers[i].held = append(slices.Clip(w.defers[i].held), l)
			}
		}
	}
}

// deferredHeld returns the locks whose Unlock is deferred so far.
func (w *walker) deferredHeld() []lockRef {
	var out []lockRef
	for _, d := range w.defers {
		if d.call == nil {
			out = append(out, d.held...)
		}
	}
	return out
}

// deferStride spaces the orders of deferred calls, so that code deferred
// inside deferred code comes between them.
const deferStride = 1 << 10

// runDefers walks the deferred calls in the order they run, placed at end,
// and returns the locks they release.
func (w *walker) runDefers(end token.Pos, order int) []lockRef {
	var unlocked []lockRef
	saved := w.at
	for i := len(w.defers) - 1; i >= 0; i-- {
		d := w.defers[i]
		at := order + (len(w.defers)-1-i)*deferStride
		if d.call == nil {
			unlocked = append(unlocked, d.held...)
			for _, l := range d.held {
				kind := unlockW
				if l.read {
					kind = unlockR
				}
				if l.loc.root != nil {
					w.fr.signals = append(w.fr.signals, &signal{loc: l.loc, kind: kind, seq: []int{at}})
				}
			}
			continue
		}
		w.at = &override{order: at, anchor: end, noJoin: true}
		w.held, w.dead = slices.Clone(d.held), false
		if lit, ok := d.call.Fun.(*ast.FuncLit); ok {
			w.inline(lit)
		} else {
			w.effects(d.call)
		}
	}
	w.at = saved
	w.defers = nil
	return unlocked
}

// inline walks a function literal as part of the frame: a callback run
// where it is passed, a closure run where it is called, deferred code.
func (w *walker) inline(lit *ast.FuncLit) {
	if w.busy[lit] {
		return // a closure calling itself
	}
	w.busy[lit] = true
	defer delete(w.busy, lit)
	if !w.fr.decl && (lit.Pos() < w.fr.from || lit.End() > w.fr.to) {
		w.fr.inlined = append(w.fr.inlined, span{lit.Pos(), lit.End()})
	}

	saved := struct {
		dead    bool
		defers  []deferred
		results []*types.Var
		fn      ast.Node
	}{w.dead, w.defers, w.results, w.fn}
	w.defers, w.fn = nil, lit
	if sig, ok := w.a.info.TypeOf(lit).(*types.Signature); ok {
		w.results = namedResults(sig.Results())
	}
	w.inLit++
	held := slices.Clone(w.held)
	w.stmts(lit.Body.List, lit.Body.Rbrace+1, false)
	w.dead = false
	if w.at != nil {
		w.runDefers(w.at.anchor, w.at.order+1) // after the literal's own code
	} else {
		w.runDefers(lit.Body.Rbrace, int(lit.Body.Rbrace))
	}
	w.inLit--
	w.held = held
	w.dead, w.defers, w.results, w.fn = saved.dead, saved.defers, saved.results, saved.fn
}
