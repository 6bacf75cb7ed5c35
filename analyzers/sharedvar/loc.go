package sharedvar

import (
	"go/ast"
	"go/constant"
	"go/types"
	"strconv"
	"strings"
)

// A loc is a piece of memory that code names: a variable, or a part of the
// memory its value leads to. The path is a string of steps: ".name" for a
// field, "*" through a pointer, map or slice, "[]" for an element whose
// index is not a constant and "[3]" for one whose index is:
//
//	count        {count, ""}
//	s.jobs       {s, "*.jobs"}    s is a *server
//	cfg.lim.max  {cfg, ".lim.max"}
//	m[k]         {m, "*"}         all of a map is one piece of memory
//	xs[i]        {xs, "*[]"}      an element of a slice
//	arr[2]       {arr, "[2]"}
//
// A path that goes through "*" names memory outside the variable, so
// writing the variable itself does not touch it: after p = q, p.x is other
// memory. Reading p.x reads p too; the walker records that as a second
// access.
type loc struct {
	root *types.Var
	path string
}

const (
	deref = "*"
	elem  = "[]"
)

// child returns the part of l that step names.
func (l loc) child(step string) loc { return loc{l.root, l.path + step} }

// steps splits a path into its steps.
func steps(path string) []string {
	var out []string
	for i := 0; i < len(path); {
		s, j := nextStep(path, i)
		out = append(out, s)
		i = j
	}
	return out
}

// nextStep returns the step of path at i and where the next one starts.
func nextStep(path string, i int) (string, int) {
	j := i + 1
	switch path[i] {
	case '.':
		for j < len(path) && path[j] != '.' && path[j] != '*' && path[j] != '[' {
			j++
		}
	case '[':
		for j < len(path) && path[j-1] != ']' {
			j++
		}
	}
	return path[i:j], j
}

// overlap reports whether two paths from the same root can name the same
// memory: one is a prefix of the other, and the longer does not leave the
// memory of the shorter through a pointer. Elements overlap unless both
// indexes are constants that differ; sameElem says whether two unknown
// indexes count as the same element.
func overlap(p, q string, sameElem bool) bool {
	i, j := 0, 0
	for i < len(p) && j < len(q) {
		ps, ni := nextStep(p, i)
		qs, nj := nextStep(q, j)
		switch {
		case ps == qs:
			if ps == elem && !sameElem {
				return false
			}
		case !isElem(ps) || !isElem(qs):
			return false
		case ps != elem && qs != elem:
			return false // two different constant indexes
		}
		i, j = ni, nj
	}
	switch {
	case i < len(p):
		return p[i] != '*'
	case j < len(q):
		return q[j] != '*'
	}
	return true
}

// isElem reports whether a path step is an element.
func isElem(step string) bool { return strings.HasPrefix(step, "[") }

// fieldKey is the part of a location a report is about: the fields named
// from its root, up to the first element. Accesses to m and m[k], or to
// s.jobs and s.jobs[i], are reported together.
func fieldKey(l loc) string {
	var b strings.Builder
	for _, s := range steps(l.path) {
		if isElem(s) {
			break
		}
		if s != deref {
			b.WriteString(s)
		}
	}
	return b.String()
}

// name renders the part of l a report is about as code would write it:
// tally, s.jobs, cfg.lim.
func name(l loc) string { return l.root.Name() + fieldKey(l) }

// locOf returns the location expression e names, when e is a variable, a
// field, an element, or the memory a pointer leads to, built on a
// variable. It returns false for anything else: the result of a call, a
// composite literal, a constant.
func locOf(info *types.Info, e ast.Expr) (loc, bool) {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return locOf(info, e.X)
	case *ast.Ident:
		v, ok := info.Uses[e].(*types.Var)
		if !ok {
			v, ok = info.Defs[e].(*types.Var)
		}
		if !ok || v == nil || e.Name == "_" || v.IsField() {
			return loc{}, false
		}
		return loc{root: v}, true
	case *ast.SelectorExpr:
		sel := info.Selections[e]
		if sel == nil {
			// A qualified identifier: pkg.Var.
			return locOf(info, e.Sel)
		}
		if sel.Kind() != types.FieldVal {
			return loc{}, false
		}
		base, ok := locOf(info, e.X)
		if !ok {
			return loc{}, false
		}
		return fieldPath(base, info.TypeOf(e.X), sel.Index()), true
	case *ast.IndexExpr:
		t := info.TypeOf(e.X)
		if t == nil {
			return loc{}, false
		}
		if _, ok := info.Types[e.X]; ok && info.Types[e.X].IsType() {
			return loc{}, false // an instantiation, not an index
		}
		base, ok := locOf(info, e.X)
		if !ok {
			return loc{}, false
		}
		switch u := t.Underlying().(type) {
		case *types.Map:
			return base.child(deref), true
		case *types.Slice:
			return base.child(deref).child(indexStep(info, e.Index)), true
		case *types.Array:
			return base.child(indexStep(info, e.Index)), true
		case *types.Pointer:
			if _, ok := u.Elem().Underlying().(*types.Array); ok {
				return base.child(deref).child(indexStep(info, e.Index)), true
			}
		}
		return loc{}, false // a string, or a type parameter
	case *ast.StarExpr:
		base, ok := locOf(info, e.X)
		if !ok {
			return loc{}, false
		}
		return base.child(deref), true
	}
	return loc{}, false
}

// fieldPath extends base, of type t, by the fields of a selection's index
// path, stepping through the pointers to embedded structs on the way.
func fieldPath(base loc, t types.Type, index []int) loc {
	for _, i := range index {
		if ptr, ok := t.Underlying().(*types.Pointer); ok {
			base = base.child(deref)
			t = ptr.Elem()
		}
		s, ok := t.Underlying().(*types.Struct)
		if !ok || i >= s.NumFields() {
			return base
		}
		f := s.Field(i)
		base = base.child("." + f.Name())
		t = f.Type()
	}
	return base
}

// indexStep is the step for an element at index e.
func indexStep(info *types.Info, e ast.Expr) string {
	if tv, ok := info.Types[e]; ok && tv.Value != nil {
		if v, exact := constant.Int64Val(constant.ToInt(tv.Value)); exact {
			return "[" + strconv.FormatInt(v, 10) + "]"
		}
	}
	return elem
}

// isPkgVar reports whether v is declared at package level.
func isPkgVar(v *types.Var) bool {
	return v != nil && v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
}
