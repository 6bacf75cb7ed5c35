package sharedvar

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// fixer builds the suggested fixes of one pass: small edits, one per
// diagnostic, none overlapping another. Guarding or privatizing every
// access of a variable is left to migrate rewrite.
type fixer struct {
	a      *state
	read   func(filename string) ([]byte, error)
	edited map[ast.Node]bool // statements and functions a fix already edits
}

// newFixer returns the fixer of a pass, reading files with read.
func newFixer(a *state, read func(string) ([]byte, error)) *fixer {
	return &fixer{a: a, read: read, edited: make(map[ast.Node]bool)}
}

// fix returns the fix for a finding, if one of the small ones applies.
func (x *fixer) fix(f *finding) []analysis.SuggestedFix {
	for _, try := range []func(*finding) *analysis.SuggestedFix{x.copyLoopVars, x.atomicCounter, x.writeLock, x.lockAround} {
		if fix := try(f); fix != nil {
			return []analysis.SuggestedFix{*fix}
		}
	}
	return nil
}

// copyLoopVars copies the loop variables a goroutine reads, in code before
// Go 1.22, where all iterations share one:
//
//	for _, v := range xs {           for _, v := range xs {
//		go func() { use(v) }()   =>      v := v
//	}                                    go func() { use(v) }()
//	                                 }
//
// The copy is made where the goroutine starts, so the goroutine sees the
// value it would have seen had it started at once, which is what the code
// meant. Out of scope: a goroutine that writes the variable, and a loop
// body that writes it after the start, whose later statements would then
// write the copy.
func (x *fixer) copyLoopVars(f *finding) *analysis.SuggestedFix {
	r := f.race
	if r.kind != contPair || r.lifted != "" || !x.a.isOldLoopVar(f.first.loc.root) {
		return nil
	}
	stmt := x.a.startStmt(r.ea)
	if stmt == nil || x.edited[stmt] {
		return nil
	}

	// Copy every old loop variable the goroutine reads, in one line.
	var vars []*types.Var
	for _, a := range r.ea.region {
		v := a.loc.root
		if !x.a.isOldLoopVar(v) || slices.Contains(vars, v) {
			continue
		}
		if a.write || x.a.writtenAfter(r.where, v, stmt) {
			return nil
		}
		vars = append(vars, v)
	}
	if len(vars) == 0 {
		return nil
	}
	slices.SortFunc(vars, func(a, b *types.Var) int { return int(a.Pos() - b.Pos()) })
	names := make([]string, len(vars))
	for i, v := range vars {
		names[i] = v.Name()
	}
	list := strings.Join(names, ", ")
	x.edited[stmt] = true
	title := "Copy loop variable " + list + " for the goroutine"
	if len(vars) > 1 {
		title = "Copy loop variables " + englishList(names) + " for the goroutine"
	}
	return &analysis.SuggestedFix{
		Message: title,
		TextEdits: []analysis.TextEdit{{
			Pos:     stmt.Pos(),
			End:     stmt.Pos(),
			NewText: []byte(list + " := " + list + "\n" + x.indent(stmt.Pos())),
		}},
	}
}

// englishList joins names as English does: a, b and c.
func englishList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// isOldLoopVar reports whether v is declared by a loop clause in code
// before Go 1.22, where it is one variable for all iterations.
func (a *state) isOldLoopVar(v *types.Var) bool {
	return v != nil && !isPkgVar(v) && !a.perIter(v.Pos()) && a.loopHeaderVar(v) != nil
}

// startStmt returns the statement that starts e: the go statement, or the
// statement holding the wg.Go call.
func (a *state) startStmt(e *entry) ast.Stmt {
	switch at := e.at.(type) {
	case *ast.GoStmt:
		return at
	case *ast.CallExpr:
		var found ast.Stmt
		for _, f := range a.files {
			ast.Inspect(f, func(n ast.Node) bool {
				if es, ok := n.(*ast.ExprStmt); ok && es.X == at {
					found = es
				}
				return found == nil
			})
		}
		return found
	}
	return nil
}

// writtenAfter reports whether frame f writes v after stmt in the same
// iteration: in the statements that follow it in its loop's body.
func (a *state) writtenAfter(f *frame, v *types.Var, stmt ast.Stmt) bool {
	loop := a.loopHeaderVar(v)
	for _, acc := range f.accs {
		if acc.write && acc.loc.root == v && acc.loc.path == "" && acc.anchor > stmt.End() &&
			loop != nil && acc.anchor < loop.End() {
			return true
		}
	}
	return false
}

// atomicCounter turns a package counter into a sync/atomic type:
//
//	var hits int64                     var hits atomic.Int64
//	hits++                      =>     hits.Add(1)
//	hits += n                          hits.Add(n)
//	hits = 0                           hits.Store(0)
//	fmt.Println(hits)                  fmt.Println(hits.Load())
//
// Every increment becomes one indivisible operation and every read sees a
// whole value, so concurrent counting adds up as it did in one goroutine.
// It applies only when every use of the variable in the package is one of
// these and is in the file that declares it, so that the one fix changes
// all of them; the variable must be unexported (or in package main), of
// type int32, int64, uint32 or uint64, declared with its type and no value.
func (x *fixer) atomicCounter(f *finding) *analysis.SuggestedFix {
	v := f.first.loc.root
	if f.first.loc.path != "" || !isPkgVar(v) || v.Pkg() != x.a.pkg || v.Exported() && x.a.pkg.Name() != "main" {
		return nil
	}
	basic, ok := v.Type().(*types.Basic)
	if !ok {
		return nil
	}
	typeName := map[types.BasicKind]string{
		types.Int32: "Int32", types.Int64: "Int64", types.Uint32: "Uint32", types.Uint64: "Uint64",
	}[basic.Kind()]
	unsigned := basic.Info()&types.IsUnsigned != 0
	if typeName == "" {
		return nil
	}
	file, spec := x.a.varSpec(v)
	if spec == nil || len(spec.Names) != 1 || len(spec.Values) != 0 || spec.Type == nil {
		return nil
	}
	pkgName, importEdit, ok := x.atomicImport(file)
	if !ok {
		return nil
	}
	src, err := x.source(file.Pos())
	if err != nil {
		return nil
	}
	text := func(n ast.Node) string {
		tf := x.a.fset.File(n.Pos())
		return string(src[tf.Offset(n.Pos()):tf.Offset(n.End())])
	}

	// Rewrite every use, or give up.
	edits := []analysis.TextEdit{{Pos: spec.Type.Pos(), End: spec.Type.End(), NewText: []byte(pkgName + "." + typeName)}}
	if importEdit != nil {
		edits = append(edits, *importEdit)
	}
	for id, obj := range x.a.info.Uses {
		if obj != v {
			continue
		}
		if x.a.fset.File(id.Pos()) != x.a.fset.File(file.Pos()) {
			return nil // used in another file: not one fix
		}
		e, ok := counterUse(id, file, v.Name(), unsigned, text)
		if !ok {
			return nil
		}
		edits = append(edits, e)
	}
	slices.SortFunc(edits, func(a, b analysis.TextEdit) int { return int(a.Pos - b.Pos) })
	return &analysis.SuggestedFix{
		Message:   fmt.Sprintf("Make %s a sync/atomic.%s", v.Name(), typeName),
		TextEdits: edits,
	}
}

// counterUse returns the edit that turns one use of a counter into a
// call of its atomic type's methods.
func counterUse(id *ast.Ident, file *ast.File, name string, unsigned bool, text func(ast.Node) string) (analysis.TextEdit, bool) {
	path := enclosing(file, id)
	if len(path) < 2 {
		return analysis.TextEdit{}, false
	}
	parent := path[len(path)-2]
	replace := func(n ast.Node, s string) (analysis.TextEdit, bool) {
		return analysis.TextEdit{Pos: n.Pos(), End: n.End(), NewText: []byte(s)}, true
	}
	switch p := parent.(type) {
	case *ast.IncDecStmt:
		if p.Tok == token.INC {
			return replace(p, name+".Add(1)")
		}
		if !unsigned {
			return replace(p, name+".Add(-1)")
		}
		return analysis.TextEdit{}, false
	case *ast.AssignStmt:
		if len(p.Lhs) != 1 || p.Lhs[0] != ast.Expr(id) {
			break // read on the right-hand side
		}
		rhs := text(p.Rhs[0])
		switch p.Tok {
		case token.ADD_ASSIGN:
			return replace(p, name+".Add("+rhs+")")
		case token.SUB_ASSIGN:
			if !unsigned {
				return replace(p, name+".Add(-("+rhs+"))")
			}
		case token.ASSIGN:
			return replace(p, name+".Store("+rhs+")")
		}
		return analysis.TextEdit{}, false
	case *ast.UnaryExpr:
		if p.Op == token.AND {
			return analysis.TextEdit{}, false // its address: used some other way
		}
	case *ast.RangeStmt:
		if p.Key == ast.Expr(id) || p.Value == ast.Expr(id) {
			return analysis.TextEdit{}, false
		}
	}
	return replace(id, name+".Load()")
}

// enclosing returns the path of nodes from file down to n.
func enclosing(file *ast.File, n ast.Node) []ast.Node {
	var path []ast.Node
	ast.Inspect(file, func(m ast.Node) bool {
		if m == nil || len(path) > 0 && path[len(path)-1] == n {
			return false
		}
		if m.Pos() <= n.Pos() && n.End() <= m.End() {
			path = append(path, m)
			return m != n
		}
		return false
	})
	return path
}

// varSpec returns the declaration of package variable v and its file.
func (a *state) varSpec(v *types.Var) (*ast.File, *ast.ValueSpec) {
	for _, f := range a.files {
		for _, d := range f.Decls {
			gen, ok := d.(*ast.GenDecl)
			if !ok || gen.Tok != token.VAR {
				continue
			}
			for _, s := range gen.Specs {
				vs := s.(*ast.ValueSpec)
				for _, id := range vs.Names {
					if a.info.Defs[id] == v {
						return f, vs
					}
				}
			}
		}
	}
	return nil, nil
}

// atomicImport returns the name file knows sync/atomic by, and the edit
// that imports it when it does not. It fails when the name atomic means
// something else there.
func (x *fixer) atomicImport(file *ast.File) (string, *analysis.TextEdit, bool) {
	for _, imp := range file.Imports {
		if path, _ := strconv.Unquote(imp.Path.Value); path == "sync/atomic" {
			if imp.Name == nil {
				return "atomic", nil, true
			}
			if imp.Name.Name == "_" || imp.Name.Name == "." {
				return "", nil, false
			}
			return imp.Name.Name, nil, true
		}
	}
	if x.a.pkg.Scope().Lookup("atomic") != nil {
		return "", nil, false
	}
	for _, imp := range file.Imports {
		if imp.Name != nil && imp.Name.Name == "atomic" || imp.Name == nil && strings.HasSuffix(imp.Path.Value, `/atomic"`) {
			return "", nil, false
		}
	}

	// Add it to the first import declaration, in order among the
	// standard library's packages, or add a declaration.
	for _, d := range file.Decls {
		gen, ok := d.(*ast.GenDecl)
		if !ok || gen.Tok != token.IMPORT {
			continue
		}
		if !gen.Lparen.IsValid() {
			spec := gen.Specs[0].(*ast.ImportSpec)
			text := "(\n\t" + importText(spec) + "\n\t\"sync/atomic\"\n)"
			if p, _ := strconv.Unquote(spec.Path.Value); p > "sync/atomic" {
				text = "(\n\t\"sync/atomic\"\n\t" + importText(spec) + "\n)"
			}
			return "atomic", &analysis.TextEdit{Pos: spec.Pos(), End: spec.End(), NewText: []byte(text)}, true
		}
		at := gen.Rparen
		for _, s := range gen.Specs {
			spec := s.(*ast.ImportSpec)
			p, _ := strconv.Unquote(spec.Path.Value)
			if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ".") || p > "sync/atomic" {
				at = spec.Pos()
				return "atomic", &analysis.TextEdit{Pos: at, End: at, NewText: []byte("\"sync/atomic\"\n\t")}, true
			}
		}
		return "atomic", &analysis.TextEdit{Pos: at, End: at, NewText: []byte("\t\"sync/atomic\"\n")}, true
	}
	return "atomic", &analysis.TextEdit{Pos: file.Name.End(), End: file.Name.End(), NewText: []byte("\n\nimport \"sync/atomic\"")}, true
}

// importText writes an import spec as it was written.
func importText(spec *ast.ImportSpec) string {
	if spec.Name != nil {
		return spec.Name.Name + " " + spec.Path.Value
	}
	return spec.Path.Value
}

// writeLock takes a mutex for writing where a function writes while
// holding it only for reading:
//
//	c.mu.RLock()               c.mu.Lock()
//	c.m[k] = v          =>     c.m[k] = v
//	c.mu.RUnlock()             c.mu.Unlock()
//
// Readers may hold a read lock together, so a write under one races with
// them; the write lock excludes them. It applies when the write is in
// the function that takes the read lock, and that function takes no
// other read lock; every RLock and RUnlock of the mutex there changes.
func (x *fixer) writeLock(f *finding) *analysis.SuggestedFix {
	w := f.first
	fd, ok := w.fn.(*ast.FuncDecl)
	if !ok || w.expr == nil || len(w.chain) > 1 || x.edited[fd] {
		return nil
	}
	readOnly := false
	for _, l := range w.locks {
		if l.read && !l.once && l.loc.root != nil {
			readOnly = true
		}
	}
	if !readOnly || !strings.HasPrefix(guardWhy(f.first, f.second), "both hold") {
		return nil
	}

	// Find the read locks of the function, all on one mutex.
	var (
		edits []analysis.TextEdit
		mutex string
	)
	src, err := x.source(fd.Pos())
	if err != nil {
		return nil
	}
	tf := x.a.fset.File(fd.Pos())
	ok = true
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false
		}
		c, isCall := n.(*ast.CallExpr)
		if !isCall {
			return true
		}
		fn, _ := typeutil.Callee(x.a.info, c).(*types.Func)
		if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "sync" || recvTypeName(fn) != "RWMutex" {
			return true
		}
		if fn.Name() != "RLock" && fn.Name() != "RUnlock" {
			return true
		}
		sel := c.Fun.(*ast.SelectorExpr)
		m := string(src[tf.Offset(sel.X.Pos()):tf.Offset(sel.X.End())])
		if mutex != "" && m != mutex {
			ok = false
		}
		mutex = m
		edits = append(edits, analysis.TextEdit{Pos: sel.Sel.Pos(), End: sel.Sel.End(), NewText: []byte(strings.TrimPrefix(fn.Name(), "R"))})
		return true
	})
	if !ok || len(edits) == 0 {
		return nil
	}
	x.edited[fd] = true
	fn := x.a.info.Defs[fd.Name].(*types.Func)
	return &analysis.SuggestedFix{
		Message:   fmt.Sprintf("Hold %s for writing in %s", mutex, funcName(fn, x.a.pkg)),
		TextEdits: edits,
	}
}

// lockAround holds, around a statement that reads or writes a location
// without a lock, the mutex that guards the location's other accesses:
//
//	func (c *counter) reset() {        func (c *counter) reset() {
//		c.n = 0                   =>       c.mu.Lock()
//	}                                      c.n = 0
//	                                       c.mu.Unlock()
//	                                   }
//
// A return statement at the top of its function gets Lock and a deferred
// Unlock, so the result is computed under the lock. The mutex is named
// from the statement's own variables: the same variable with the mutex
// field in place of the accessed one, or a package-level mutex. It
// applies only to a simple statement in a block that calls no function
// of the package, which could take the same mutex again.
func (x *fixer) lockAround(f *finding) *analysis.SuggestedFix {
	u, g := f.first, f.second
	if len(u.locks) != 0 {
		u, g = g, u
	}
	if len(u.locks) != 0 || len(g.locks) != 1 || u.expr == nil || len(u.chain) > 0 && u.fn == nil {
		return nil
	}
	lock := g.locks[0]
	if lock.once || lock.loc.root == nil {
		return nil
	}
	fnNode := u.fn
	if fnNode == nil {
		return nil
	}
	local, ok := locOf(x.a.info, u.expr)
	if !ok {
		return nil
	}
	mutex, ok := x.lockExpr(lock.loc, u.loc, local, u.expr.Pos())
	if !ok {
		return nil
	}
	stmt, top := x.a.stmtOf(fnNode, u.expr)
	if stmt == nil || x.edited[stmt] || !x.simple(stmt) {
		return nil
	}
	lockName, unlockName := "Lock", "Unlock"
	if isRWMutex(x.a.typeOfLoc(lock.loc)) && !u.write {
		lockName, unlockName = "RLock", "RUnlock"
	}
	ind := x.indent(stmt.Pos())
	var edits []analysis.TextEdit
	switch stmt.(type) {
	case *ast.ReturnStmt:
		if !top {
			return nil
		}
		edits = []analysis.TextEdit{{
			Pos: stmt.Pos(), End: stmt.Pos(),
			NewText: fmt.Appendf(nil, "%s.%s()\n%sdefer %s.%s()\n%s", mutex, lockName, ind, mutex, unlockName, ind),
		}}
	default:
		end := x.lineComment(stmt.End())
		edits = []analysis.TextEdit{
			{Pos: stmt.Pos(), End: stmt.Pos(), NewText: fmt.Appendf(nil, "%s.%s()\n%s", mutex, lockName, ind)},
			{Pos: end, End: end, NewText: fmt.Appendf(nil, "\n%s%s.%s()", ind, mutex, unlockName)},
		}
	}
	x.edited[stmt] = true
	what := "read"
	if u.write {
		what = "write"
	}
	where := ""
	if fd, ok := fnNode.(*ast.FuncDecl); ok {
		if fn, ok := x.a.info.Defs[fd.Name].(*types.Func); ok {
			where = " in " + funcName(fn, x.a.pkg)
		}
	}
	return &analysis.SuggestedFix{
		Message:   fmt.Sprintf("Hold %s around the %s of %s%s", mutex, what, x.a.name(u.loc), where),
		TextEdits: edits,
	}
}

// lockExpr writes the mutex at lock, which guards the location acc, in
// the terms of an access whose own location is local: c.mu for the c.n
// of a method, or a package-level mutex by name.
func (x *fixer) lockExpr(lock, acc, local loc, pos token.Pos) (string, bool) {
	var l loc
	switch {
	case isPkgVar(lock.root):
		if lock.root.Pkg() != x.a.pkg {
			return "", false
		}
		l = lock
	case lock.root == acc.root:
		// Replace the access's own steps after the common prefix by the
		// lock's.
		p := commonPrefix(lock.path, acc.path)
		accRest, lockRest := acc.path[len(p):], lock.path[len(p):]
		if !strings.HasSuffix(local.path, accRest) {
			return "", false
		}
		l = loc{local.root, local.path[:len(local.path)-len(accRest)] + lockRest}
	default:
		return "", false
	}
	var b strings.Builder
	b.WriteString(l.root.Name())
	for _, s := range steps(l.path) {
		switch {
		case s == deref:
		case s[0] == '.':
			b.WriteString(s)
		default:
			return "", false // an element: no name to write
		}
	}
	// The root must be what its name means at the access.
	if scope := x.a.pkg.Scope().Innermost(pos); scope != nil {
		if _, obj := scope.LookupParent(l.root.Name(), pos); obj != l.root {
			return "", false
		}
	}
	return b.String(), true
}

// commonPrefix returns the longest common prefix of two paths that ends
// at a step boundary.
func commonPrefix(p, q string) string {
	i := 0
	for i < len(p) && i < len(q) {
		ps, ni := nextStep(p, i)
		qs, _ := nextStep(q, i)
		if ps != qs {
			break
		}
		i = ni
	}
	return p[:i]
}

// typeOfLoc returns the type of the memory at l, or nil.
func (a *state) typeOfLoc(l loc) types.Type {
	t := l.root.Type()
	for _, s := range steps(l.path) {
		if t == nil {
			return nil
		}
		switch {
		case s == deref:
			p, ok := t.Underlying().(*types.Pointer)
			if !ok {
				return nil
			}
			t = p.Elem()
		case s[0] == '.':
			st, ok := t.Underlying().(*types.Struct)
			if !ok {
				return nil
			}
			var next types.Type
			for f := range st.Fields() {
				if "."+f.Name() == s {
					next = f.Type()
				}
			}
			t = next
		default:
			return nil
		}
	}
	return t
}

// isRWMutex reports whether t is sync.RWMutex.
func isRWMutex(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "sync" && n.Obj().Name() == "RWMutex"
}

// stmtOf returns the statement of fn's body lists that holds e, and
// whether it is at the top of the body.
func (a *state) stmtOf(fn ast.Node, e ast.Expr) (ast.Stmt, bool) {
	var body *ast.BlockStmt
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		body = fn.Body
	case *ast.FuncLit:
		body = fn.Body
	}
	if body == nil {
		return nil, false
	}
	var (
		found ast.Stmt
		top   bool
	)
	var visit func(list []ast.Stmt, isTop bool)
	visit = func(list []ast.Stmt, isTop bool) {
		for _, s := range list {
			if e.Pos() < s.Pos() || e.End() > s.End() {
				continue
			}
			found, top = s, isTop
			ast.Inspect(s, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncLit:
					return false
				case *ast.BlockStmt:
					if n.Pos() <= e.Pos() && e.End() <= n.End() {
						visit(n.List, false)
					}
					return false
				case *ast.CaseClause:
					visit(n.Body, false)
					return false
				case *ast.CommClause:
					visit(n.Body, false)
					return false
				}
				return true
			})
			return
		}
	}
	visit(body.List, true)
	return found, top
}

// simple reports whether a lock can be held around stmt: a plain
// statement that calls no function of this package and holds no
// function literal.
func (x *fixer) simple(stmt ast.Stmt) bool {
	switch stmt.(type) {
	case *ast.AssignStmt, *ast.IncDecStmt, *ast.ExprStmt, *ast.ReturnStmt:
	default:
		return false
	}
	ok := true
	ast.Inspect(stmt, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			ok = false
		case *ast.CallExpr:
			if fn, _ := typeutil.Callee(x.a.info, n).(*types.Func); fn != nil && fn.Pkg() == x.a.pkg {
				ok = false
			}
			if tv, isType := x.a.info.Types[n.Fun]; !isType || !tv.IsType() && builtinName(x.a.info, n) == "" {
				if fn, _ := typeutil.Callee(x.a.info, n).(*types.Func); fn == nil {
					ok = false // a function value: could be anything
				}
			}
		}
		return ok
	})
	return ok
}

// indent returns the indentation of the line at pos, as written.
func (x *fixer) indent(pos token.Pos) string {
	src, err := x.source(pos)
	if err != nil {
		return "\t"
	}
	tf := x.a.fset.File(pos)
	off := tf.Offset(pos)
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	end := start
	for end < off && (src[end] == '\t' || src[end] == ' ') {
		end++
	}
	return string(src[start:end])
}

// lineComment returns the end of the comment that follows pos on its
// line, or pos if none does: what is inserted after a statement goes
// after its trailing comment, which stays with the statement.
func (x *fixer) lineComment(pos token.Pos) token.Pos {
	src, err := x.source(pos)
	if err != nil {
		return pos
	}
	tf := x.a.fset.File(pos)
	off := tf.Offset(pos)
	rest := src[off:]
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	trimmed := bytes.TrimLeft(rest, " \t")
	if !bytes.HasPrefix(trimmed, []byte("//")) {
		return pos // code or a block comment after it, or nothing
	}
	return pos + token.Pos(len(bytes.TrimRight(rest, " \t\r")))
}

// source returns the content of the file holding pos.
func (x *fixer) source(pos token.Pos) ([]byte, error) {
	tf := x.a.fset.File(pos)
	if tf == nil {
		return nil, fmt.Errorf("no file for position")
	}
	return x.read(tf.Name())
}
