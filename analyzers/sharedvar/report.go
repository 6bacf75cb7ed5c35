package sharedvar

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"
)

// finding is the race reported for one shared location: the access
// reported and the one it conflicts with, described.
type finding struct {
	key           string // the variable and the fields named from it
	race          *race
	first, second *access
	message       string
	related       string
}

// findings picks one race per location, the earliest by the position of
// its first and second access, and words it.
func (a *state) findings(races []*race) []*finding {
	byKey := make(map[string]*finding)
	var keys []string
	for _, r := range races {
		first, second := r.a, r.b
		swapped := !first.write && second.write
		if swapped {
			first, second = second, first
		}
		key := fmt.Sprintf("%p%s", first.loc.root, fieldKey(first.loc))
		f := &finding{key: key, race: r, first: first, second: second}
		old, ok := byKey[key]
		if !ok {
			keys = append(keys, key)
		}
		if !ok || better(f, old) {
			f.message, f.related = a.words(r, swapped)
			byKey[key] = f
		}
	}
	// A race found through two callers, whose variables differ, is the
	// same race at the same place.
	out := make([]*finding, 0, len(keys))
	type place struct {
		pos  token.Pos
		name string
	}
	seen := make(map[place]bool)
	for _, k := range keys {
		f := byKey[k]
		p := place{f.first.pos, a.name(f.first.loc)}
		if !seen[p] {
			seen[p] = true
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(x, y *finding) int {
		return cmp.Or(cmp.Compare(x.first.pos, y.first.pos), cmp.Compare(x.second.pos, y.second.pos))
	})
	return out
}

// better reports whether f is to be reported rather than g: found first
// among the kinds of pair (an entry with itself, with its starter, with
// another), then earlier in the source.
func better(f, g *finding) bool {
	return cmp.Or(
		cmp.Compare(f.race.kind, g.race.kind),
		cmp.Compare(f.first.pos, g.first.pos),
		cmp.Compare(f.second.pos, g.second.pos),
	) < 0
}

// words returns the message and the related message of race r, whose
// second access is the write when swapped.
func (a *state) words(r *race, swapped bool) (string, string) {
	x, y := r.a, r.b // x in the entry, y in the other code
	if swapped {
		x, y = y, x
	}
	var dx, dy, why string
	switch r.kind {
	case selfPair:
		dx, dy = "by "+a.describe(r.ea), "by "+describeOther(r.ea)
		why = a.runsWhy(r.ea)
	case twoPair:
		dx, dy = "by "+a.describe(r.ea), "by "+a.describe(r.eb)
		if swapped {
			dx, dy = dy, dx
		}
		why = "the two run at the same time"
	case contPair:
		starter := r.where.name
		if r.lifted != "" {
			starter = fmt.Sprintf("%s, which called %s,", starter, r.lifted)
		}
		dx, dy = "by "+a.describe(r.ea), "by "+starter+" while it runs"
		if swapped {
			dx = fmt.Sprintf("by %s while %s runs", starter, a.describe(r.ea))
			dy = "by that goroutine"
		}
		why = "nothing waits for the goroutine in between"
	}
	// "is written in f by the goroutine ... and read in g by main ...",
	// leaving out of the second half what it would repeat.
	second := []string{verb(y), a.through(y), dy}
	if second[0] == verb(x) {
		second[0] = ""
		if second[1] == a.through(x) {
			second[1] = ""
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s is %s and %s; %s, and %s", a.name(x.loc),
		phrase(verb(x), a.through(x), dx), phrase(second...), why, guardWhy(x, y))
	if note := a.loopVarNote(x.loc.root); note != "" {
		b.WriteString("; " + note)
	}
	related := fmt.Sprintf("%s is %s here %s", a.name(y.loc), verb(y), dy)
	return b.String(), related
}

// phrase joins the non-empty parts of a phrase with spaces.
func phrase(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

// name renders the part of l a report is about, qualified by package
// name for a variable of another package: lib.hits, s.jobs.
func (a *state) name(l loc) string {
	if isPkgVar(l.root) && l.root.Pkg() != a.pkg {
		return l.root.Pkg().Name() + "." + name(l)
	}
	return name(l)
}

// verb says what an access does.
func verb(x *access) string {
	v := "read"
	if x.write {
		v = "written"
	}
	switch {
	case x.atomic:
		v += " atomically"
	case x.note != "" && x.note != "returned":
		v += " (" + x.note + ")"
	case x.note == "returned":
		v = "returned"
	}
	return v
}

// through names where an access is when it is not in the entry's own
// code: in a function it calls, or in another package.
func (a *state) through(x *access) string {
	if len(x.chain) == 0 {
		return ""
	}
	s := "in " + x.chain[len(x.chain)-1]
	if x.at != "" {
		s += " (" + x.at + ")"
	}
	return s
}

// runsWhy says why two runs of an entry overlap.
func (a *state) runsWhy(e *entry) string {
	switch e.kind {
	case handlerEntry:
		return "the server runs handlers at the same time"
	case workerEntry:
		return "after migration the workers are goroutines of one process"
	case subtestEntry:
		return "parallel subtests run at the same time"
	}
	return "its runs overlap"
}

// guardWhy says why locks and atomics do not keep x and y apart.
func guardWhy(x, y *access) string {
	switch {
	case x.atomic != y.atomic:
		return "only one of them is atomic"
	case len(x.locks) == 0 && len(y.locks) == 0:
		return "no lock is held at either"
	}
	for _, lx := range x.locks {
		for _, ly := range y.locks {
			if lx.loc == ly.loc && lx.read && ly.read && lx.loc.root != nil {
				return "both hold " + name(lx.loc) + " only for reading"
			}
		}
	}
	if len(y.locks) == 0 {
		return "only the first holds " + lockNames(x.locks)
	}
	if len(x.locks) == 0 {
		return "only the second holds " + lockNames(y.locks)
	}
	return "they hold different locks"
}

// lockNames names the locks held, as code names them.
func lockNames(ls []lockRef) string {
	var names []string
	for _, l := range ls {
		switch {
		case l.loc.root == nil:
			names = append(names, "a lock")
		case l.once:
			names = append(names, name(l.loc)+" (sync.Once)")
		default:
			names = append(names, name(l.loc))
		}
	}
	return strings.Join(names, " and ")
}

// loopVarNote explains a race on a loop variable of code before Go 1.22.
func (a *state) loopVarNote(v *types.Var) string {
	if v == nil || isPkgVar(v) || a.perIter(v.Pos()) {
		return ""
	}
	if a.loopHeaderVar(v) == nil {
		return ""
	}
	return "before Go 1.22 all iterations of a loop share one " + v.Name()
}

// loopHeaderVar returns the loop whose clause declares v, or nil.
func (a *state) loopHeaderVar(v *types.Var) ast.Node {
	for _, f := range a.frames {
		if f == nil {
			continue
		}
		for _, l := range f.loops {
			if slices.Contains(l.header, v) {
				return l.node
			}
		}
	}
	return nil
}
