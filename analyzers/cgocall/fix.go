package cgocall

import (
	"bytes"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// Fixes edit the files as written, parsed again into the pass's file set
// (see source.go), never the files cgo generated: their positions are
// valid in the pass and the edits apply to what the programmer wrote.
// Each finding gets one fix at most: the reentrant variant when the shape
// of the call proves it means the same, else a lock when one can make the
// calls safe (reentrant.go and lock.go).

// planFixes gives each finding its fix, if it has one.
func (a *cgoPass) planFixes(findings []*finding) {
	var locked []*finding
	for _, f := range findings {
		if fix := a.reentrantFix(f); fix != nil {
			f.fix = fix
			continue
		}
		if f.lock.key != "" && a.lockable(f, findings) {
			locked = append(locked, f)
		}
	}
	a.lockFixes(locked)
}

// stmts is the statement that holds a call, as written and as generated.
type stmts struct {
	orig   inspector.Cursor // in a statement list of the file as written
	cooked ast.Stmt         // the same statement in the generated file
}

// listStmt returns the innermost statement around the call of s that is
// an element of a block or clause, in which declarations can be added
// before it, or false.
func (a *cgoPass) listStmt(s *site) (stmts, bool) {
	if !s.orig.Valid() {
		return stmts{}, false
	}
	for cur := s.orig.Parent(); cur.Valid(); cur = cur.Parent() {
		if _, ok := cur.Node().(ast.Stmt); !ok || !inList(cur) {
			continue
		}
		cooked := a.cookedStmt(s, cur.Node().Pos())
		if cooked == nil {
			return stmts{}, false
		}
		return stmts{cur, cooked}, true
	}
	return stmts{}, false
}

// inList reports whether cur is an element of a statement list.
func inList(cur inspector.Cursor) bool {
	switch cur.ParentEdgeKind() {
	case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
		return true
	}
	return false
}

// cookedStmt returns the statement of the generated file that encloses
// the call of s and starts where the statement at pos as written does,
// or nil. cgo leaves statements where they were; only calls move.
func (a *cgoPass) cookedStmt(s *site, pos token.Pos) ast.Stmt {
	want := s.file.lineCol(pos)
	for cur := s.ref.Parent(); cur.Valid(); cur = cur.Parent() {
		st, ok := cur.Node().(ast.Stmt)
		if !ok {
			continue
		}
		if p := a.pass.Fset.Position(st.Pos()); (lineCol{p.Line, p.Column}) == want {
			return st
		}
	}
	return nil
}

// blockScope returns the scope in which a declaration added before the
// statement st of the generated file would be declared.
func (a *cgoPass) blockScope(st ast.Stmt) *types.Scope {
	sc := a.pass.Pkg.Scope().Innermost(st.Pos())
	for sc != nil && sc.Pos() == st.Pos() && sc.Parent() != nil {
		sc = sc.Parent() // the statement's own scope, as an if's
	}
	return sc
}

// freeLocal returns base, or base with a number, that is neither declared
// in the block of st nor visible there, so that declaring it before st
// neither collides with nor shadows anything.
func (a *cgoPass) freeLocal(base string, st ast.Stmt) string {
	sc := a.blockScope(st)
	for i := 1; ; i++ {
		name := numbered(base, i)
		if sc == nil {
			return name
		}
		if sc.Lookup(name) != nil {
			continue
		}
		if _, obj := sc.LookupParent(name, st.Pos()); obj != nil {
			continue
		}
		return name
	}
}

// numbered returns base for i == 1, else base followed by i.
func numbered(base string, i int) string {
	if i == 1 {
		return base
	}
	return base + strconv.Itoa(i)
}

// indent returns the blanks that start the line of pos in cf.
func (cf *cgoFile) indent(pos token.Pos) string {
	off := cf.tok.Offset(pos)
	start := bytes.LastIndexByte(cf.src[:off], '\n') + 1
	line := cf.src[start:off]
	return string(line[:len(line)-len(bytes.TrimLeft(line, " \t"))])
}

// lineEnd returns the position where code can be added after the
// statement ending at end: after a comment that ends its line, else end.
func (cf *cgoFile) lineEnd(end token.Pos) token.Pos {
	off := cf.tok.Offset(end)
	rest := cf.src[off:]
	if nl := bytes.IndexByte(rest, '\n'); nl >= 0 {
		rest = rest[:nl]
	}
	if bytes.HasPrefix(bytes.TrimLeft(rest, " \t"), []byte("//")) {
		return cf.tok.Pos(off + len(rest))
	}
	return end
}

// insert returns an edit that inserts text at pos.
func insert(pos token.Pos, text string) analysis.TextEdit {
	return analysis.TextEdit{Pos: pos, End: pos, NewText: []byte(text)}
}

// replace returns an edit that replaces n with text.
func replace(n ast.Node, text string) analysis.TextEdit {
	return analysis.TextEdit{Pos: n.Pos(), End: n.End(), NewText: []byte(text)}
}

// cType spells a type of cgo's generated code as the file as written
// would: *_Ctype_struct_tm is *C.struct_tm. It fails for other types.
func cType(t types.Type) (string, bool) {
	switch t := t.(type) {
	case *types.Pointer:
		elem, ok := cType(t.Elem())
		return "*" + elem, ok
	case *types.Alias, *types.Named:
		obj := t.(interface{ Obj() *types.TypeName }).Obj()
		if name, ok := strings.CutPrefix(obj.Name(), "_Ctype_"); ok {
			return "C." + name, true
		}
		if alias, ok := t.(*types.Alias); ok {
			return cType(alias.Rhs())
		}
	}
	return "", false
}

// hasPointers reports whether values of t hold pointers, which a copy
// would share with the original.
func hasPointers(t types.Type) bool {
	return hasPointersSeen(t, make(map[types.Type]bool))
}

func hasPointersSeen(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Kind() == types.UnsafePointer || u.Kind() == types.String || u.Kind() == types.UntypedNil
	case *types.Array:
		return hasPointersSeen(u.Elem(), seen)
	case *types.Struct:
		for f := range u.Fields() {
			if hasPointersSeen(f.Type(), seen) {
				return true
			}
		}
		return false
	}
	return true // pointers, slices, maps, channels, functions, interfaces
}
