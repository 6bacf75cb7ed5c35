package sharedvar

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"
)

// A frame is what the code of one function does, seen from inside it:
// the locations it reads and writes with the locks held at each, the
// goroutines it starts, what it waits for and what it signals. Accesses
// reached through calls of other functions of the package, or of other
// packages through their facts, are part of it, in the caller's terms.
//
// Order within a frame is by position: a statement comes after the ones
// before it in the source, and deferred code after all of them. Loops
// are kept so that code before a go statement in a loop body can be seen
// to run again after it.
type frame struct {
	node     ast.Node // *ast.FuncDecl, *ast.FuncLit, or the dispatch of a worker role
	name     string   // for messages: "main", "(*server).start", "the function literal at x.go:12"
	from, to token.Pos
	end      token.Pos // anchor of deferred code: the closing brace
	params   []*types.Var
	decl     bool // a declared function: everything not at package level is its own

	// inlined are the function literals walked as part of the frame:
	// their variables are the frame's own, wherever they are written.
	inlined []span

	accs    []*access
	joins   []*join
	signals []*signal
	starts  []*start
	calls   []*callSite
	loops   []loop

	escapes []loc // what the frame hands to code the analysis does not see

	// exitJoins are the joins that come before every return: the frame
	// returns only after them, so its callers' code after the call
	// follows them too.
	exitJoins []syncRef
	exitSeen  bool

	lockOut   []lockRef // held at every return, taken here: a locking helper
	unlockOut []lockRef // released here without being taken: an unlocking helper

	// byRoot indexes accs by the variable they start from, with the
	// writes apart; built on first use.
	byRoot map[*types.Var]*accessSet

	// summary is accs without the accesses to the frame's own variables,
	// one per location, kind and locks; computed on first use.
	summary    []*access
	summarized bool
}

// A loop of a frame, with what decides whether its variables are one per
// iteration.
type loop struct {
	node    ast.Node // *ast.ForStmt or *ast.RangeStmt
	once    ast.Node // what runs once before the iterations: the init statement, the range expression
	bodyEnd token.Pos
	header  []*types.Var // variables declared in its clause
	perIter bool         // they are new in each iteration: Go 1.22 or later
}

// iter reports whether code at p runs in every iteration of l.
func (l *loop) iter(p token.Pos) bool {
	if p < l.node.Pos() || p >= l.node.End() {
		return false
	}
	return l.once == nil || p < l.once.Pos() || p >= l.once.End()
}

// access is one read or write of a location.
type access struct {
	loc    loc
	write  bool
	atomic bool
	rmw    bool // x++, x += n: a write computed from the value read
	locks  []lockRef
	order  int       // when it happens in the frame
	seq    []int     // when, finer: the order in the frame, then in each function called on the way
	anchor token.Pos // where in the frame: the access itself, or the call or defer that reaches it
	pos    token.Pos // the access itself, or the call of another package's function
	end    token.Pos
	chain  []string  // functions called from the frame down to the access
	note   string    // how it happens, when not plainly: "copied for the value receiver of stats.snapshot"
	at     string    // for an access in another package, where: "example.com/lib/lib.go:12"
	bound  bool      // reached through a pointer handed to the goroutine, not a captured variable
	expr   ast.Expr  // the expression, when written in the frame's own code
	fn     ast.Node  // the function declaration or literal the expression is in
	fk     *string   // fieldKey(loc), once computed
	lazy   bool      // a write under if x == nil: sets up what is not set up yet
	after  []syncRef // joins inside the functions called on the way that come before it on every path
}

// syncRef names a join by what it waits on and how.
type syncRef struct {
	loc  loc
	kind syncKind
}

// field returns the fields of the location named from its root.
func (x *access) field() string {
	if x.fk == nil {
		k := fieldKey(x.loc)
		x.fk = &k
	}
	return *x.fk
}

// lockRef is a mutex held at an access. A nil root is a lock the
// analysis cannot name, such as one returned by a call; two of those are
// taken to be the same, so that a guess never becomes a report.
type lockRef struct {
	loc       loc
	read      bool // held for reading only: RLock, or the reads after sync.Once.Do
	readsOnly bool // guards reads only: those after sync.Once.Do
	once      bool // not a mutex but a sync.Once
}

// same reports whether l and m are the same lock held the same way.
func (l lockRef) same(m lockRef) bool {
	return l.loc == m.loc && l.read == m.read && l.readsOnly == m.readsOnly && l.once == m.once
}

// syncKind is what a join waits for or a signal does.
type syncKind int

const (
	wgWait      syncKind = iota // sync.WaitGroup.Wait
	wgDone                      // sync.WaitGroup.Done, or the end of a function wg.Go runs
	groupWait                   // errgroup.Group.Wait
	groupDone                   // the end of a function errgroup.Group.Go runs
	recv                        // a receive from a channel
	send                        // a send on a channel, or its close
	atomicLoad                  // an atomic load, after which a stored value is seen
	atomicStore                 // an atomic store, add, swap or compare-and-swap
	lockW                       // Lock: follows an earlier Unlock or RUnlock
	lockR                       // RLock: follows an earlier Unlock only
	unlockW                     // Unlock
	unlockR                     // RUnlock
	bubbleWait                  // testing/synctest.Wait: every other goroutine of the bubble is durably blocked
)

// matches reports whether a join of kind k waits for signals of kind s.
func (k syncKind) matches(s syncKind) bool {
	switch k {
	case wgWait:
		return s == wgDone
	case groupWait:
		return s == groupDone
	case recv:
		return s == send
	case atomicLoad:
		return s == atomicStore
	case lockW:
		// TODO(procmigrate): a Lock follows an Unlock only if the other
		// goroutine got there first, which nothing here shows: a write
		// after the Lock is taken as ordered after the other goroutine's
		// locked write (testdata/src/lockorder).
		return s == unlockW || s == unlockR
	case lockR:
		return s == unlockW
	}
	return false
}

// join is a point after which what a goroutine did before a matching
// signal is visible: a Wait, a receive, an atomic load. dom is the code it
// comes before on every path: the rest of its block, the body of an if
// whose condition holds it, the case of a select that receives.
type join struct {
	loc   loc
	kind  syncKind
	order int
	dom   []span
}

type span struct{ from, to token.Pos }

// dominates reports whether j comes before p on every path.
func (j *join) dominates(p token.Pos) bool {
	for _, s := range j.dom {
		if s.from <= p && p < s.to {
			return true
		}
	}
	return false
}

// signal is something a goroutine does that a join can wait for.
type signal struct {
	loc  loc
	kind syncKind
	seq  []int // as access.seq
}

// before reports whether seq a comes before seq b: compared step by step,
// a call before what happens inside it.
func before(a, b []int) bool {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

// within returns seq inner, happening inside a call at seq outer.
func within(outer, inner []int) []int {
	return append(slices.Clip(outer), inner...)
}

// start is a place where the frame starts a goroutine.
type start struct {
	node   ast.Node // the go statement or the call
	order  int
	anchor token.Pos
	loops  []ast.Node // loops of the frame around it, outermost first
}

// callSite is a call of a function of the package, kept so that a
// goroutine its callee starts can be followed into the caller.
type callSite struct {
	call   *ast.CallExpr
	callee *frame
	bind   binding
	order  int
	anchor token.Pos
	loops  []ast.Node
}

// binding maps the parameters of a frame to what a call passes.
type binding map[*types.Var]arg

// arg is a location passed as an argument: the location itself, or its
// address (&x, or x for a method with a pointer receiver).
type arg struct {
	loc  loc
	addr bool
}

// isLocal reports whether v belongs to the frame: declared inside it, or
// for a declared function anything not at package level.
func (f *frame) isLocal(v *types.Var) bool {
	if isPkgVar(v) {
		return false
	}
	if f.decl || f.from <= v.Pos() && v.Pos() < f.to {
		return true
	}
	for _, s := range f.inlined {
		if s.from <= v.Pos() && v.Pos() < s.to {
			return true
		}
	}
	return false
}

// subst translates l, a location in f's terms, into the terms of a caller
// that binds f's parameters with b. It returns false for a location of
// f's own: a local variable, or a parameter's own value.
func (f *frame) subst(l loc, b binding) (loc, bool) {
	if a, ok := b[l.root]; ok {
		switch {
		case l.path == "":
			return loc{}, false // the parameter itself, a copy
		case a.addr && l.path[0] == '*':
			return loc{a.loc.root, a.loc.path + l.path[1:]}, true
		case !a.addr && l.path[0] == '*':
			return loc{a.loc.root, a.loc.path + l.path}, true
		}
		return loc{}, false // a field of a struct passed by value
	}
	if l.root == nil {
		return l, true // on no variable, as synctest.Wait's join: the same for every caller
	}
	if f.isLocal(l.root) {
		return loc{}, false
	}
	return l, true // a package variable, or one the literal captures
}

// substAll translates locations like subst, leaving out f's own.
func (f *frame) substAll(ls []loc, b binding) []loc {
	var out []loc
	for _, l := range ls {
		if m, ok := f.subst(l, b); ok {
			out = append(out, m)
		}
	}
	return out
}

// joinsBefore returns the joins of f, and of the functions it calls on
// the way to x, that come before x on every path.
func (f *frame) joinsBefore(x *access) []syncRef {
	out := slices.Clip(x.after)
	for _, j := range f.joins {
		if j.dominates(x.anchor) {
			out = append(out, syncRef{j.loc, j.kind})
		}
	}
	return out
}

// substRefs translates joins like subst, leaving out f's own.
func (f *frame) substRefs(rs []syncRef, b binding) []syncRef {
	var out []syncRef
	for _, r := range rs {
		if l, ok := f.subst(r.loc, b); ok {
			out = append(out, syncRef{l, r.kind})
		}
	}
	return out
}

// substLocks translates locks like subst; a lock of f's own that cannot be
// translated becomes a lock the analysis cannot name.
func (f *frame) substLocks(ls []lockRef, b binding) []lockRef {
	if len(ls) == 0 {
		return nil
	}
	out := make([]lockRef, 0, len(ls))
	for _, l := range ls {
		if l.loc.root != nil {
			if m, ok := f.subst(l.loc, b); ok {
				l.loc = m
			} else {
				l.loc = loc{path: l.loc.path} // known by its field only
			}
		}
		out = append(out, l)
	}
	return out
}

// accessSummary returns the accesses of f that a caller can see, one per
// location, kind and set of locks.
func (f *frame) accessSummary() []*access {
	if f.summarized {
		return f.summary
	}
	f.summarized = true
	type key struct {
		l             loc
		write, atomic bool
		locks         string
	}
	seen := make(map[key]bool)
	for _, a := range f.accs {
		if f.isLocal(a.loc.root) && !slices.Contains(f.params, a.loc.root) {
			continue
		}
		if slices.Contains(f.params, a.loc.root) && a.loc.path == "" {
			continue
		}
		k := key{a.loc, a.write, a.atomic, locksKey(a.locks)}
		if seen[k] {
			continue
		}
		seen[k] = true
		f.summary = append(f.summary, a)
	}
	return f.summary
}

// locksKey identifies a set of locks.
func locksKey(ls []lockRef) string {
	var b strings.Builder
	for _, l := range ls {
		fmt.Fprintf(&b, "%p%s/%t%t%t;", l.loc.root, l.loc.path, l.read, l.readsOnly, l.once)
	}
	return b.String()
}

// guarded reports whether a lock held at both a and b keeps them apart:
// the same mutex, held for writing by at least one of them.
func guarded(a, b *access) bool {
	for _, la := range a.locks {
		if la.readsOnly && a.write {
			continue
		}
		for _, lb := range b.locks {
			if lb.readsOnly && b.write {
				continue
			}
			if sameLock(la.loc, lb.loc) && la.once == lb.once && (!la.read || !lb.read) {
				return true
			}
		}
	}
	return false
}

// sameLock reports whether two locks may be the same mutex: the same
// location, or fields of the same name reached from different variables,
// as t.mu and pc.t.mu are when t := pc.t. Taking them for one errs
// toward no report.
func sameLock(l, m loc) bool {
	if l == m {
		return true
	}
	if l.path == "" || m.path == "" {
		// A variable of its own, or a lock the analysis cannot name at
		// all, which it takes to be any other such lock.
		return l.root == nil && m.root == nil
	}
	return lastStep(l.path) == lastStep(m.path) && lastStep(l.path)[0] == '.'
}

// lastStep returns the last step of a non-empty path.
func lastStep(path string) string {
	var s string
	for i := 0; i < len(path); {
		s, i = nextStep(path, i)
	}
	return s
}

// heldLocks returns the locks that guard an access of the given kind.
func heldLocks(held []lockRef, write bool) []lockRef {
	var out []lockRef
	for _, l := range held {
		if l.readsOnly && write {
			continue
		}
		out = append(out, l)
	}
	return out
}

// intersect returns the locks held in both a and b.
func intersect(a, b []lockRef) []lockRef {
	var out []lockRef
	for _, l := range a {
		if slices.ContainsFunc(b, l.same) {
			out = append(out, l)
		}
	}
	return out
}

// accessSet is the accesses to one variable, split by the field of the
// variable they name first, since accesses to different fields never
// overlap; "whole" holds those that name no field, which overlap any.
type accessSet struct {
	every   accessList
	whole   accessList
	fields  []string // in the order first seen
	byField map[string]*accessList
}

// accessList is some accesses, with the writes apart.
type accessList struct {
	all, writes []*access
}

// add adds x to the list.
func (l *accessList) add(x *access) {
	l.all = append(l.all, x)
	if x.write {
		l.writes = append(l.writes, x)
	}
}

// add adds x to the set, under its first field.
func (s *accessSet) add(x *access) {
	s.every.add(x)
	f := topField(x.loc.path)
	if f == "" {
		s.whole.add(x)
		return
	}
	if s.byField == nil {
		s.byField = make(map[string]*accessList)
	}
	l := s.byField[f]
	if l == nil {
		l = new(accessList)
		s.byField[f] = l
		s.fields = append(s.fields, f)
	}
	l.add(x)
}

// topField returns the first field a path names, through pointers, or "".
func topField(path string) string {
	for i := 0; i < len(path); {
		s, j := nextStep(path, i)
		if s != deref {
			if s[0] == '.' {
				return s
			}
			return ""
		}
		i = j
	}
	return ""
}

// index groups accesses by their root.
func index(xs []*access) map[*types.Var]*accessSet {
	m := make(map[*types.Var]*accessSet)
	for _, x := range xs {
		s := m[x.loc.root]
		if s == nil {
			s = new(accessSet)
			m[x.loc.root] = s
		}
		s.add(x)
	}
	return m
}

// roots returns f's accesses grouped by root.
func (f *frame) roots() map[*types.Var]*accessSet {
	if f.byRoot == nil {
		f.byRoot = index(f.accs)
	}
	return f.byRoot
}

// pairs calls yield for each pair of an access of xs and one of ys that
// may overlap, at least one of them a write, and stops when yield
// returns false.
func pairs(xs, ys *accessSet, yield func(x, y *access) bool) {
	ok := listPairs(&xs.whole, &ys.every, yield)
	for _, f := range xs.fields {
		if !ok {
			return
		}
		l := xs.byField[f]
		ok = listPairs(l, &ys.whole, yield)
		if m := ys.byField[f]; m != nil && ok {
			ok = listPairs(l, m, yield)
		}
	}
}

// listPairs calls yield for each pair of xs and ys with a write.
func listPairs(xs, ys *accessList, yield func(x, y *access) bool) bool {
	for _, x := range xs.writes {
		for _, y := range ys.all {
			if !yield(x, y) {
				return false
			}
		}
	}
	for _, x := range xs.all {
		if x.write {
			continue
		}
		for _, y := range ys.writes {
			if !yield(x, y) {
				return false
			}
		}
	}
	return true
}
