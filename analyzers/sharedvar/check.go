package sharedvar

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"
)

// pairKind says how the two accesses of a race come to run at once.
type pairKind int

const (
	selfPair pairKind = iota // two runs of the same entry
	contPair                 // the entry, and the code that started it, still running
	twoPair                  // two entries
)

// race is two accesses that can run at the same time, at least one of
// them a write, with no lock, atomic or wait between them.
type race struct {
	a, b   *access
	ea, eb *entry // eb is nil for the starter's own code
	kind   pairKind
	where  *frame // the frame b is in, for contPair
	lifted string
}

// occurrence is one place an entry is started, with its region in the
// terms of the frame there: where the go statement is, or, for a
// function that returns with its goroutine still running, its callers.
type occurrence struct {
	e       *entry
	fr      *frame
	s       *start
	region  map[*types.Var]*accessSet
	signals []*signal
	joins   []*join // the entry's, in the frame's terms
	pre     []loc   // written by the frame before the start
	escapes []loc   // what the entry hands to unseen code, in the frame's terms
	lifted  string  // the function called to start it, "" where it is started
}

// maxLift bounds how many callers up a goroutine left running is followed.
//
// TODO(procmigrate): one caller up; code further up that runs beside the
// goroutine is not compared with it.
const maxLift = 1

// occurrences returns the places e is started.
func (a *state) occurrences(e *entry) []*occurrence {
	switch e.kind {
	case goEntry, groupEntry, afterEntry:
	default:
		// A handler or a test: no code of the package runs beside it
		// but other entries.
		//
		// TODO(procmigrate): worker code runs beside the parent's code
		// between the spawn's Start and its Wait once migrated; that code
		// is not compared with it.
		return nil
	}
	fr := a.enclosingFrame(e.at.Pos())
	if fr == nil {
		return nil
	}
	var out []*occurrence
	for _, s := range fr.starts {
		if s.node == e.at {
			var pre []loc
			for _, x := range fr.accs {
				if x.write && x.order < s.order {
					pre = append(pre, x.loc)
				}
			}
			out = append(out, &occurrence{
				e: e, fr: fr, s: s, region: e.byRoot,
				signals: e.signals, joins: e.joins, pre: pre, escapes: e.escapes,
			})
		}
	}
	return a.lift(out, 0)
}

// lift adds, for each occurrence in a declared function that can return
// with the goroutine still running, the occurrences at its calls.
func (a *state) lift(occs []*occurrence, depth int) []*occurrence {
	if depth >= maxLift {
		return occs
	}
	var more []*occurrence
	for _, o := range occs {
		fd, ok := o.fr.node.(*ast.FuncDecl)
		if !ok || !o.fr.decl || a.joinedBy(o, o.fr.end) {
			continue
		}
		fn, ok := a.info.Defs[fd.Name].(*types.Func)
		if !ok {
			continue
		}
		for _, c := range a.callersOf(fn) {
			caller := a.enclosingFrame(c.Pos())
			if caller == nil {
				continue
			}
			for _, cs := range caller.calls {
				if cs.call != c || cs.callee != o.fr {
					continue
				}
				more = append(more, a.liftTo(o, caller, cs))
			}
		}
	}
	if len(more) > 0 {
		more = a.lift(more, depth+1)
	}
	return append(occs, more...)
}

// liftTo translates occurrence o into the caller's terms at call site cs.
func (a *state) liftTo(o *occurrence, caller *frame, cs *callSite) *occurrence {
	var lifted []*access
	for _, xs := range o.region {
		for _, x := range xs.every.all {
			l, ok := o.fr.subst(x.loc, cs.bind)
			if !ok {
				continue
			}
			y := *x
			y.fk = nil
			y.loc = l
			y.locks = o.fr.substLocks(x.locks, cs.bind)
			lifted = append(lifted, &y)
		}
	}
	region := index(lifted)
	var sigs []*signal
	for _, s := range o.signals {
		if l, ok := o.fr.subst(s.loc, cs.bind); ok {
			sigs = append(sigs, &signal{loc: l, kind: s.kind, seq: s.seq})
		}
	}
	var joins []*join
	for _, j := range o.joins {
		if l, ok := o.fr.subst(j.loc, cs.bind); ok {
			joins = append(joins, &join{loc: l, kind: j.kind, order: j.order, dom: j.dom})
		}
	}
	st := &start{node: cs.call, order: cs.order, anchor: cs.anchor, loops: cs.loops}
	return &occurrence{
		e: o.e, fr: caller, s: st, region: region, signals: sigs, joins: joins,
		pre: o.fr.substAll(o.pre, cs.bind), escapes: o.fr.substAll(o.escapes, cs.bind),
		lifted: o.fr.name,
	}
}

// joinedBy reports whether, in o's frame, a wait for the goroutine comes
// after its start on every path to p.
func (a *state) joinedBy(o *occurrence, p token.Pos) bool {
	for _, j := range o.fr.joins {
		if j.order > o.s.order && j.dominates(p) && waitsFor(j, o.signals) {
			return true
		}
	}
	return false
}

// sameSync reports whether join j and signal s are on the same thing; a
// mutex may be reached by different paths.
func sameSync(l loc, kind syncKind, s *signal) bool {
	if kind == lockW || kind == lockR {
		return sameLock(l, s.loc)
	}
	return l == s.loc
}

// waitsFor reports whether join j waits for one of the signals.
func waitsFor(j *join, sigs []*signal) bool {
	for _, s := range sigs {
		if j.loc == s.loc && j.kind.matches(s.kind) {
			return true
		}
	}
	return false
}

// ordered reports whether a, done by code that signals sigs, is seen by
// b: a signal after a, and a join that waits for it, after the start
// (order after) and before b on every path.
func ordered(a *access, sigs []*signal, joins []*join, b *access, after int) bool {
	for _, j := range joins {
		if j.kind == bubbleWait && j.order > after && j.dominates(b.anchor) {
			return true // the goroutine is blocked, after what it did
		}
	}
	for _, s := range sigs {
		if !before(a.seq, s.seq) {
			continue
		}
		for _, j := range joins {
			if j.order > after && j.kind.matches(s.kind) && j.dominates(b.anchor) && sameSync(j.loc, j.kind, s) {
				return true
			}
		}
		for _, r := range b.after {
			if r.kind.matches(s.kind) && sameSync(r.loc, r.kind, s) {
				return true // a wait inside the function b is in
			}
		}
	}
	return false
}

// conflicts reports whether a and b touch the same memory, one of them
// writing, not both atomically, and not under a common lock.
func conflicts(a, b *access, sameElem bool) bool {
	if !a.write && !b.write || a.atomic && b.atomic {
		return false
	}
	return a.loc.root == b.loc.root && overlap(a.loc.path, b.loc.path, sameElem) && !guarded(a, b)
}

// races returns the races of the package, in the order found: at most
// one of each kind for each location.
func (a *state) races() []*race {
	c := &collector{seen: make(map[raceKey]bool)}
	occs := make(map[*entry][]*occurrence)
	for _, e := range a.entries {
		occs[e] = a.occurrences(e)
	}
	for _, e := range a.entries {
		a.selfRaces(c, e, occs[e])
		for _, o := range occs[e] {
			a.contRaces(c, o)
		}
	}
	for i, e1 := range a.entries {
		for _, e2 := range a.entries[i+1:] {
			if a.overlap(e1, e2, occs) {
				a.pairRaces(c, e1, e2)
			}
		}
	}
	return c.out
}

// collector keeps the first race of each kind for each location.
type collector struct {
	seen map[raceKey]bool
	out  []*race
}

type raceKey struct {
	kind  pairKind
	root  *types.Var
	field string
}

// done reports whether a race of kind k on x's location was found.
func (c *collector) done(k pairKind, x, y *access) bool {
	w := x
	if !w.write {
		w = y
	}
	return c.seen[raceKey{k, w.loc.root, w.field()}]
}

// add keeps race r.
func (c *collector) add(r *race) {
	w := r.a
	if !w.write {
		w = r.b
	}
	c.seen[raceKey{r.kind, w.loc.root, w.field()}] = true
	c.out = append(c.out, r)
}

// selfRaces finds the races between two runs of e.
func (a *state) selfRaces(c *collector, e *entry, occs []*occurrence) {
	shared := a.multi(e, occs)
	if shared == nil {
		return
	}
	for _, root := range sortedRoots(e.byRoot) {
		set := e.byRoot[root]
		pairs(set, set, func(x, y *access) bool {
			if conflicts(x, y, false) && shared(x) && shared(y) && !c.done(selfPair, x, y) &&
				!ordered(x, e.signals, e.joins, y, -1) && !ordered(y, e.signals, e.joins, x, -1) {
				c.add(&race{a: x, b: y, ea: e, eb: e, kind: selfPair})
			}
			return true
		})
	}
}

// multi returns, when several runs of e can overlap, which accesses of
// its region they share; nil when they cannot.
func (a *state) multi(e *entry, occs []*occurrence) func(*access) bool {
	pkgVars := func(x *access) bool { return isPkgVar(x.loc.root) }
	switch e.kind {
	case workerEntry:
		if e.multi {
			return pkgVars
		}
		return nil
	case handlerEntry:
		return func(*access) bool { return true } // one closure, called per request
	case testEntry:
		return nil
	case subtestEntry:
		// Subtests started in a loop run beside each other.
		fr := a.enclosingFrame(e.at.Pos())
		if fr == nil {
			return nil
		}
		for _, s := range fr.starts {
			if s.node == e.at && len(s.loops) > 0 {
				if l := fr.loopOf(s.loops[len(s.loops)-1]); l != nil {
					return func(x *access) bool { return isPkgVar(x.loc.root) || !declaredIn(x.loc.root, l) }
				}
			}
		}
		return nil
	}
	for _, o := range occs {
		if o.lifted != "" {
			continue
		}
		if l := a.unjoinedLoop(o); l != nil {
			return func(x *access) bool {
				r := x.loc.root
				if isPkgVar(r) {
					return true
				}
				return !declaredIn(r, l) && !(x.bound && assignedIn(o.fr, r, l))
			}
		}
		if o.fr.node != nil {
			if lit, ok := o.fr.node.(*ast.FuncLit); ok && a.entryLits[lit] {
				if outer := a.entryOfLit(lit); outer != nil && a.multi(outer, a.occurrences(outer)) != nil {
					return pkgVars
				}
			}
		}
		// A function that can run twice at once, and returns with its
		// goroutine running, starts overlapping runs; they share the
		// package's variables.
		//
		// TODO(procmigrate): what its callers pass is shared too when the
		// same value is passed each time; it is not compared.
		if fd, ok := o.fr.node.(*ast.FuncDecl); ok && !a.joinedBy(o, o.fr.end) {
			if fn, ok := a.info.Defs[fd.Name].(*types.Func); ok {
				calls := a.callersOf(fn)
				if len(calls) > 1 || len(calls) == 1 && inLoop(a.files, calls[0].Pos()) {
					return pkgVars
				}
			}
		}
	}
	return nil
}

// entryOfLit returns the entry whose root is lit.
func (a *state) entryOfLit(lit *ast.FuncLit) *entry {
	for _, e := range a.entries {
		if e.root != nil && e.root.node == lit {
			return e
		}
	}
	return nil
}

// unjoinedLoop returns the innermost loop around o's start that does not
// wait for the goroutine before its next iteration, or nil.
func (a *state) unjoinedLoop(o *occurrence) *loop {
	if len(o.s.loops) == 0 {
		return nil
	}
	l := o.fr.loopOf(o.s.loops[len(o.s.loops)-1])
	if l == nil || a.joinedBy(o, l.bodyEnd) {
		return nil
	}
	return l
}

// loopOf returns the loop of f whose node is n.
func (f *frame) loopOf(n ast.Node) *loop {
	for i := range f.loops {
		if f.loops[i].node == n {
			return &f.loops[i]
		}
	}
	return nil
}

// declaredIn reports whether each iteration of l has its own v: declared
// in its body, or in its clause from Go 1.22 on.
func declaredIn(v *types.Var, l *loop) bool {
	if v.Pos() < l.node.Pos() || v.Pos() >= l.node.End() {
		return false
	}
	if slices.Contains(l.header, v) {
		return l.perIter
	}
	return true
}

// assignedIn reports whether the frame assigns variable v in loop l.
func assignedIn(f *frame, v *types.Var, l *loop) bool {
	for _, x := range f.accs {
		if x.write && x.loc.root == v && x.loc.path == "" && l.iter(x.anchor) {
			return true
		}
	}
	return false
}

// contRaces finds the races between an entry and the code that started
// it, which goes on running until it waits for it.
func (a *state) contRaces(c *collector, o *occurrence) {
	frameRoots := o.fr.roots()
	for _, root := range sortedRoots(o.region) {
		xs, bs := o.region[root], frameRoots[root]
		if bs == nil {
			continue
		}
		pairs(xs, bs, func(x, b *access) bool {
			if !conflicts(x, b, true) || c.done(contPair, x, b) || !a.beside(o, x, b) {
				return true
			}
			if b.lazy && slices.Contains(o.pre, b.loc) {
				return true // set up before the start: the nil check fails from then on
			}
			if o.lifted != "" && len(b.chain) > 0 {
				// In the caller of a function that starts a goroutine,
				// calls of its other functions are left out: a type's
				// Start, Stop and Wait keep track of their goroutine with
				// flags the analysis does not follow (if c.started {
				// return }).
				//
				// TODO(procmigrate): so are real races through them.
				return true
			}
			if !ordered(x, o.signals, o.fr.joins, b, o.s.order) && !ordered(b, o.fr.signals, o.joins, x, -1) && !a.waitsUnseen(o, b) {
				c.add(&race{a: x, b: b, ea: o.e, kind: contPair, where: o.fr, lifted: o.lifted})
			}
			return true
		})
	}
}

// waitsUnseen reports whether b follows a receive from a channel that the
// goroutine does not visibly send on or close, but can reach through what
// it hands to code the analysis does not see: a function value, an
// interface method, another package. That code is taken to signal, at
// the goroutine's end.
//
// TODO(procmigrate): this errs toward no report when the unseen code
// does not signal, or signals before the accesses.
func (a *state) waitsUnseen(o *occurrence, b *access) bool {
	for _, j := range o.fr.joins {
		if j.kind != recv || j.order <= o.s.order || !j.dominates(b.anchor) {
			continue
		}
		if slices.ContainsFunc(o.signals, func(s *signal) bool { return s.loc == j.loc }) {
			continue // it does signal, where the analysis sees
		}
		if slices.ContainsFunc(o.escapes, func(e loc) bool { return e.root == j.loc.root }) {
			return true
		}
	}
	return false
}

// beside reports whether b, in o's frame, runs while the goroutine runs
// x: after the start, or before it in a later iteration of a loop
// around both that does not wait for the goroutine in between.
func (a *state) beside(o *occurrence, x, b *access) bool {
	if b.order > o.s.order {
		return true
	}
	for i := len(o.s.loops) - 1; i >= 0; i-- {
		l := o.fr.loopOf(o.s.loops[i])
		if l == nil || !l.iter(b.anchor) {
			continue
		}
		if declaredIn(x.loc.root, l) || x.bound && assignedIn(o.fr, x.loc.root, l) {
			return false // each iteration has its own
		}
		return !a.joinedBy(o, l.bodyEnd)
	}
	return false
}

// overlap reports whether two entries can run at the same time.
func (a *state) overlap(e1, e2 *entry, occs map[*entry][]*occurrence) bool {
	switch {
	case e1.kind == workerEntry || e2.kind == workerEntry:
		// After migration every worker is a goroutine beside the parent.
		return !a.nested(e1, e2) && !a.nested(e2, e1)
	case e1.kind == subtestEntry && e2.kind == subtestEntry:
		return a.enclosingFrame(e1.at.Pos()) == a.enclosingFrame(e2.at.Pos())
	case e1.kind == testEntry && e2.kind == testEntry:
		return true
	case e1.kind == subtestEntry || e1.kind == testEntry || e2.kind == subtestEntry || e2.kind == testEntry:
		return false
	case e1.kind == handlerEntry || e2.kind == handlerEntry:
		return !a.nested(e1, e2) && !a.nested(e2, e1)
	}
	if a.nested(e1, e2) || a.nested(e2, e1) {
		// One starts the other: what runs beside it is the starter's
		// code after the start, which contRaces checks.
		return false
	}
	o1, o2 := occs[e1], occs[e2]
	if len(o1) == 0 || len(o2) == 0 {
		return true
	}
	for _, x := range o1 {
		for _, y := range o2 {
			if x.lifted != "" || y.lifted != "" {
				continue
			}
			if x.fr == y.fr {
				if a.startsBeside(x, y) || a.startsBeside(y, x) {
					return true
				}
				continue
			}
			if !a.joinedBy(x, x.fr.end) || !a.joinedBy(y, y.fr.end) {
				return true
			}
			if a.inEntry(x.fr) || a.inEntry(y.fr) {
				return true
			}
		}
	}
	return false
}

// startsBeside reports whether y's start, in the same frame, comes while
// x's goroutine runs.
func (a *state) startsBeside(x, y *occurrence) bool {
	if y.s.order <= x.s.order {
		// Only in a later iteration of a loop around both.
		for _, n := range x.s.loops {
			if l := x.fr.loopOf(n); l != nil && l.iter(y.s.anchor) && !a.joinedBy(x, l.bodyEnd) {
				return true
			}
		}
		return false
	}
	return !a.joinedBy(x, y.s.anchor)
}

// nested reports whether e2 is started by code that e1 runs.
func (a *state) nested(e1, e2 *entry) bool {
	if e2.kind == workerEntry || e2.kind == testEntry {
		return false
	}
	fr := a.enclosingFrame(e2.at.Pos())
	if fr == nil {
		return false
	}
	if e1.kind == workerEntry && e1.root.from <= e2.at.Pos() && e2.at.Pos() < e1.root.to {
		return true
	}
	return a.reaches(e1)[fr]
}

// reaches returns the frames e's code runs: its root and what it calls.
func (a *state) reaches(e *entry) map[*frame]bool {
	if e.reach != nil {
		return e.reach
	}
	e.reach = make(map[*frame]bool)
	var visit func(f *frame)
	visit = func(f *frame) {
		if f == nil || e.reach[f] {
			return
		}
		e.reach[f] = true
		for _, c := range f.calls {
			visit(c.callee)
		}
	}
	visit(e.root)
	return e.reach
}

// inEntry reports whether some entry runs the code of f.
func (a *state) inEntry(f *frame) bool {
	for _, e := range a.entries {
		if a.reaches(e)[f] {
			return true
		}
	}
	return false
}

// pairRaces finds the races between two entries that can overlap.
// Elements with indexes that are not constants are taken to differ.
//
// TODO(procmigrate): two goroutines writing the same element through
// different index variables are not reported.
func (a *state) pairRaces(c *collector, e1, e2 *entry) {
	for _, root := range sortedRoots(e1.byRoot) {
		xs, ys := e1.byRoot[root], e2.byRoot[root]
		if ys == nil {
			continue
		}
		pairs(xs, ys, func(x, y *access) bool {
			if !conflicts(x, y, false) || c.done(twoPair, x, y) {
				return true
			}
			if !ordered(x, e1.signals, e2.joins, y, -1) && !ordered(y, e2.signals, e1.joins, x, -1) {
				c.add(&race{a: x, b: y, ea: e1, eb: e2, kind: twoPair})
			}
			return true
		})
	}
}

// sortedRoots returns the keys of m by position, then name.
func sortedRoots(m map[*types.Var]*accessSet) []*types.Var {
	out := make([]*types.Var, 0, len(m))
	for v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(x, y *types.Var) int {
		return cmp.Or(cmp.Compare(x.Pos(), y.Pos()), strings.Compare(x.Name(), y.Name()))
	})
	return out
}
