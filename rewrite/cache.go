package rewrite

import (
	"go/ast"
	"go/token"
	"go/types"
)

// isCache reports whether the package map v is a cache whose values depend
// only on their keys, which every worker can share with the results it had
// alone:
//
//	var memo = map[int]string{}
//
//	func answer(n int) string {
//		if s, ok := memo[n]; ok {
//			return s
//		}
//		s := strconv.Itoa(fib(n))
//		memo[n] = s
//		return s
//	}
//
// The map is made when the package is initialized and never replaced.
// Each function that uses it does so in this shape alone: a comma-ok
// lookup whose hit returns the value found, and on the miss a store of a
// value computed from the key alone (see purity), under a key that does
// not change, followed by a return of that value in place of the one
// found. So a hit and a miss give the same results, and whichever worker
// filled an entry, every worker gets what it would have computed. The
// values hold no references that a worker could change. Any other use,
// such as a lookup that tests presence (a set of what was seen), a range
// or len, would show a worker the other workers' entries.
func isCache(x *pkgIndex, v *types.Var) bool {
	m, ok := v.Type().Underlying().(*types.Map)
	if !ok || holdsReference(m.Elem()) || isReference(m.Elem()) {
		return false
	}
	decl := x.varDecl[v]
	var made bool
	for _, s := range decl.Specs {
		vs := s.(*ast.ValueSpec)
		for i, n := range vs.Names {
			if x.info.Defs[n] == v && len(vs.Values) == len(vs.Names) {
				made = makesMap(x, vs.Values[i])
			}
		}
	}
	if !made {
		return false
	}

	stores := 0
	hits := map[*ast.FuncDecl]*ast.ReturnStmt{}
	var storeAt []*ast.IndexExpr
	for _, id := range x.uses[v] {
		fd := x.enclosingFunc(id)
		if fd == nil {
			return false // another package-level initializer
		}
		ix, ok := x.parent[id].(*ast.IndexExpr)
		if !ok || ix.X != ast.Expr(id) {
			return false
		}
		switch p := x.parent[ix].(type) {
		case *ast.AssignStmt:
			if isLhs(p, ix) {
				if p.Tok != token.ASSIGN || len(p.Lhs) != 1 || len(p.Rhs) != 1 || !cacheStore(x, v, fd, ix, p.Rhs[0]) {
					return false
				}
				stores++
				storeAt = append(storeAt, ix)
				continue
			}
			ret := hitReturn(x, p, ix)
			if ret == nil || hits[fd] != nil {
				return false
			}
			hits[fd] = ret
		default:
			return false
		}
	}

	// Each store is followed by a return like its function's hit, with
	// the value stored for the value found.
	for _, ix := range storeAt {
		fd := x.enclosingFunc(ix)
		if hits[fd] == nil || !missReturn(x, hits[fd], ix) {
			return false
		}
	}
	for fd := range hits {
		found := false
		for _, ix := range storeAt {
			found = found || x.enclosingFunc(ix) == fd
		}
		if !found {
			return false // a lookup that does not fill the cache on a miss
		}
	}
	return stores > 0
}

// hitReturn returns the return statement of a cache hit: for the lookup
// v, ok := m[k], either as the init of if ok { return v } or as the
// statement just before it, where v and ok are used nowhere else. It
// returns nil for any other use of a lookup.
func hitReturn(x *pkgIndex, as *ast.AssignStmt, ix *ast.IndexExpr) *ast.ReturnStmt {
	if len(as.Lhs) != 2 || len(as.Rhs) != 1 || as.Rhs[0] != ast.Expr(ix) || as.Tok != token.DEFINE {
		return nil
	}
	val, ok1 := as.Lhs[0].(*ast.Ident)
	okID, ok2 := as.Lhs[1].(*ast.Ident)
	if !ok1 || !ok2 {
		return nil
	}
	var ifs *ast.IfStmt
	switch p := x.parent[as].(type) {
	case *ast.IfStmt:
		if p.Init == ast.Stmt(as) {
			ifs = p
		}
	case *ast.BlockStmt:
		for i, st := range p.List {
			if st == ast.Stmt(as) && i+1 < len(p.List) {
				ifs, _ = p.List[i+1].(*ast.IfStmt)
			}
		}
	}
	if ifs == nil || ifs.Else != nil || len(ifs.Body.List) != 1 {
		return nil
	}
	if cond, ok := ast.Unparen(ifs.Cond).(*ast.Ident); !ok || x.info.Uses[cond] != x.info.Defs[okID] {
		return nil
	}
	ret, ok := ifs.Body.List[0].(*ast.ReturnStmt)
	if !ok {
		return nil
	}
	// v appears once among the results, the others are constants or nil,
	// and neither v nor ok is used anywhere else.
	seen := 0
	for _, r := range ret.Results {
		if id, ok := ast.Unparen(r).(*ast.Ident); ok && x.info.Uses[id] == x.info.Defs[val] {
			seen++
		} else if tv := x.info.Types[r]; tv.Value == nil && !tv.IsNil() {
			return nil
		}
	}
	if seen != 1 || len(x.uses[x.info.Defs[val]]) != 1 || len(x.uses[x.info.Defs[okID]]) != 1 {
		return nil
	}
	return ret
}

// missReturn reports whether the store m[k] = s is followed at once by a
// return like hit, with s where hit returns the value it found.
func missReturn(x *pkgIndex, hit *ast.ReturnStmt, store *ast.IndexExpr) bool {
	as := x.parent[store].(*ast.AssignStmt)
	s, ok := ast.Unparen(as.Rhs[0]).(*ast.Ident)
	if !ok {
		return false
	}
	block, ok := x.parent[as].(*ast.BlockStmt)
	if !ok {
		return false
	}
	var ret *ast.ReturnStmt
	for i, st := range block.List {
		if st == ast.Stmt(as) && i+1 < len(block.List) {
			ret, _ = block.List[i+1].(*ast.ReturnStmt)
		}
	}
	if ret == nil || len(ret.Results) != len(hit.Results) {
		return false
	}
	for i, r := range ret.Results {
		h := hit.Results[i]
		if tv := x.info.Types[h]; tv.Value != nil || tv.IsNil() {
			if types.ExprString(r) != types.ExprString(h) {
				return false
			}
			continue
		}
		if id, ok := ast.Unparen(r).(*ast.Ident); !ok || x.info.Uses[id] != x.info.Uses[s] {
			return false
		}
	}
	return true
}

// makesMap reports whether e makes a new map: make(...) or a composite
// literal.
func makesMap(x *pkgIndex, e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.CompositeLit:
		return buildsValue(x, e)
	case *ast.CallExpr:
		if id, ok := ast.Unparen(e.Fun).(*ast.Ident); ok {
			b, isB := x.info.Uses[id].(*types.Builtin)
			return isB && b.Name() == "make" && buildsValue(x, e)
		}
	}
	return false
}

func isLhs(as *ast.AssignStmt, e ast.Expr) bool {
	for _, l := range as.Lhs {
		if l == e {
			return true
		}
	}
	return false
}

// cacheStore reports whether m[k] = val in fd stores a value computed from
// k alone, under a key that fd looked up before.
func cacheStore(x *pkgIndex, m *types.Var, fd *ast.FuncDecl, store *ast.IndexExpr, val ast.Expr) bool {
	kid, ok := ast.Unparen(store.Index).(*ast.Ident)
	if !ok {
		return false
	}
	key, ok := x.info.Uses[kid].(*types.Var)
	if !ok || key.Parent() == x.pkg.Types.Scope() || changedIn(x, fd.Body, key) {
		return false
	}
	lookedUp := false
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if ix, ok := n.(*ast.IndexExpr); ok && ix != store && ix.Pos() < store.Pos() {
			xid, _ := ast.Unparen(ix.X).(*ast.Ident)
			kid, _ := ast.Unparen(ix.Index).(*ast.Ident)
			if xid != nil && kid != nil && x.info.Uses[xid] == m && x.info.Uses[kid] == key {
				lookedUp = true
			}
		}
		return !lookedUp
	})
	p := purity{x: x, cache: m, funcs: map[*ast.FuncDecl]bool{}}
	return lookedUp && p.expr(fd, val, key, map[*types.Var]bool{})
}

// changedIn reports whether v is assigned anywhere in n other than where
// it is declared, or has its address taken there.
func changedIn(x *pkgIndex, n ast.Node, v *types.Var) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || x.info.Uses[id] != v {
			return !found
		}
		switch p := x.parent[id].(type) {
		case *ast.AssignStmt:
			found = found || isLhs(p, id)
		case *ast.IncDecStmt:
			found = true
		case *ast.UnaryExpr:
			found = found || p.Op == token.AND
		case *ast.RangeStmt:
			found = found || p.Key == ast.Expr(id) || p.Value == ast.Expr(id)
		}
		return !found
	})
	return found
}

// purity decides whether values are computed from a cache's key alone.
type purity struct {
	x     *pkgIndex
	cache *types.Var
	funcs map[*ast.FuncDecl]bool // decided, or being decided (taken as pure)
}

// pureStd lists the standard packages whose functions and methods compute
// their results from their arguments alone, with no effect outside them.
// fmt is in for its Sprint functions alone; see pureCallee.
var pureStd = map[string]bool{
	"strings": true, "strconv": true, "bytes": true, "unicode": true, "unicode/utf8": true,
	"unicode/utf16": true, "math": true, "math/bits": true, "math/cmplx": true, "sort": true,
	"slices": true, "maps": true, "cmp": true, "path": true, "encoding/hex": true,
	"encoding/base64": true, "encoding/binary": true, "hash": true, "hash/crc32": true,
	"hash/fnv": true, "hash/adler32": true, "crypto/sha256": true, "crypto/sha1": true,
	"crypto/sha512": true, "crypto/md5": true, "errors": true, "regexp": true, "fmt": true,
}

// expr reports whether e, in fd, is computed from key alone: from key,
// constants, locals that are themselves computed so, and calls of pure
// functions. The cache's own entries do not count: a value made from the
// entry it replaces, as in m[k] = m[k] + 1, counts rather than caches.
func (p *purity) expr(fd *ast.FuncDecl, e ast.Node, key *types.Var, visiting map[*types.Var]bool) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		if !ok {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			ok = false
		case *ast.UnaryExpr:
			ok = n.Op != token.ARROW
		case *ast.CallExpr:
			ok = p.call(n)
		case *ast.Ident:
			v, isVar := p.x.info.Uses[n].(*types.Var)
			switch {
			case !isVar || v == key || v.IsField():
			case v == p.cache:
				ok = false // a value made from an entry can count, not just map
			case v.Parent() == p.x.pkg.Types.Scope() || v.Pkg() != p.x.pkg.Types:
				ok = false // other package state
			default:
				ok = p.local(fd, v, key, visiting)
			}
		}
		return ok
	})
	return ok
}

// local reports whether every value fd gives the local v is computed from
// key alone. A parameter other than key is an input of its own.
func (p *purity) local(fd *ast.FuncDecl, v *types.Var, key *types.Var, visiting map[*types.Var]bool) bool {
	if visiting[v] {
		return true
	}
	visiting[v] = true
	if v.Pos() < fd.Body.Pos() || v.Pos() >= fd.Body.End() {
		return false // a parameter, a result or a captured variable
	}
	ok := true
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if !ok {
			return false
		}
		id, isID := n.(*ast.Ident)
		if !isID || p.x.info.ObjectOf(id) != v {
			return true
		}
		// Climb to what the use changes or reads: v, v.f, v[i], *v.
		var e ast.Expr = id
	climb:
		for {
			switch q := p.x.parent[e].(type) {
			case *ast.ParenExpr, *ast.StarExpr:
				e = q.(ast.Expr)
			case *ast.IndexExpr:
				if q.X != e {
					break climb
				}
				ok = p.expr(fd, q.Index, key, visiting)
				e = q
			case *ast.SelectorExpr:
				if q.X != e {
					break climb
				}
				if sel := p.x.info.Selections[q]; sel != nil && sel.Kind() == types.MethodVal {
					// A method can change v with what it is given.
					call, isCall := p.x.parent[q].(*ast.CallExpr)
					ok = ok && isCall && p.expr(fd, call, key, visiting)
					return false
				}
				e = q
			default:
				break climb
			}
		}
		switch st := p.x.parent[e].(type) {
		case *ast.AssignStmt:
			if !isLhs(st, e) {
				return true
			}
			for _, r := range st.Rhs {
				ok = ok && p.expr(fd, r, key, visiting)
			}
		case *ast.ValueSpec:
			for _, r := range st.Values {
				ok = ok && p.expr(fd, r, key, visiting)
			}
		case *ast.RangeStmt:
			if st.Key == e || st.Value == e {
				ok = ok && p.expr(fd, st.X, key, visiting)
			}
		case *ast.UnaryExpr:
			ok = ok && st.Op != token.AND
		case *ast.CallExpr:
			// A function handed v may change it with its other arguments.
			ok = ok && (st.Fun == e || p.expr(fd, st, key, visiting))
		}
		return ok
	})
	return ok
}

// call reports whether call computes its result from its arguments alone:
// a conversion, a builtin other than printing, a pure standard function
// or method, or a pure function of this package.
func (p *purity) call(call *ast.CallExpr) bool {
	if tv, ok := p.x.info.Types[call.Fun]; ok && tv.IsType() {
		return true
	}
	var id *ast.Ident
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	case *ast.IndexExpr: // a generic function instantiated
		if fid, ok := ast.Unparen(f.X).(*ast.Ident); ok {
			id = fid
		}
	}
	if id == nil {
		return false
	}
	switch obj := p.x.info.Uses[id].(type) {
	case *types.Builtin:
		return obj.Name() != "print" && obj.Name() != "println"
	case *types.Func:
		return p.pureCallee(obj)
	}
	return false // a function value
}

func (p *purity) pureCallee(fn *types.Func) bool {
	if fn.Pkg() == nil {
		return true // error.Error
	}
	if fn.Pkg() != p.x.pkg.Types {
		switch path := fn.Pkg().Path(); {
		case path == "fmt":
			// Only the functions that format into a value; the others print.
			switch fn.Name() {
			case "Sprint", "Sprintf", "Sprintln", "Errorf", "Append", "Appendf", "Appendln":
				return true
			}
			return false
		default:
			return pureStd[path]
		}
	}
	fd := p.x.decls[fn.Origin()]
	if fd == nil || fd.Body == nil {
		return false
	}
	return p.function(fd)
}

// function reports whether fd computes its results from its parameters
// (and receiver) alone: it reads no package variable, starts no goroutine,
// uses no channel and calls only pure functions.
func (p *purity) function(fd *ast.FuncDecl) bool {
	if pure, done := p.funcs[fd]; done {
		return pure
	}
	p.funcs[fd] = true // recursion: assumed while deciding
	ok := true
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if !ok {
			return false
		}
		switch n := n.(type) {
		case *ast.GoStmt, *ast.SendStmt, *ast.SelectStmt:
			ok = false
		case *ast.UnaryExpr:
			ok = n.Op != token.ARROW
		case *ast.CallExpr:
			ok = p.call(n)
		case *ast.Ident:
			if v, isVar := p.x.info.Uses[n].(*types.Var); isVar && !v.IsField() &&
				(v.Parent() == p.x.pkg.Types.Scope() || v.Pkg() != p.x.pkg.Types) {
				ok = false // package state, the cache's entries included
			}
		}
		return ok
	})
	p.funcs[fd] = ok
	return ok
}
