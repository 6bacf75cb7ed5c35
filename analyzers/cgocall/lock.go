package cgocall

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// A lock fix serializes the calls behind a package-level mutex, one per
// body of C code (libc, the package's own C code, a library):
//
//	tm := *C.localtime(&t)
//
// =>
//
//	libcMu.Lock()
//	tm := *C.localtime(&t)
//	libcMu.Unlock()
//
//	// libcMu serializes the calls into libc that are not safe to make
//	// from several goroutines at once.
//	var libcMu sync.Mutex
//
// It keeps the calls' meaning only if the lock is held for as long as the
// C state is used, so it is offered only for an expression statement, an
// assignment or a declaration that consumes the call's result: the call
// is the statement, or it returns no pointer, or its result is copied
// into Go memory (C.GoString, C.GoStringN, C.GoBytes) or dereferenced
// into a value that holds no pointer into that state. The statement must
// hold no other unsafe call and no function literal, and call no function
// that makes a call behind the same lock: sync.Mutex is not reentrant.
// Functions whose state spans calls (strtok, readdir, getpwent) or
// belongs to the whole process (getenv, setenv, system) get no lock fix.
//
// TODO(procmigrate): a panic in the statement, such as a nil dereference
// of the result, leaves the mutex locked; and calls in other packages are
// not serialized with these.

// lockable reports whether every call f covers can be put behind a lock.
func (a *cgoPass) lockable(f *finding, findings []*finding) bool {
	for _, s := range f.covers {
		st, ok := a.listStmt(s)
		if !ok || !a.lockStmt(s, st, f.lock, findings) {
			return false
		}
	}
	return true
}

// lockStmt reports whether the statement st around the call of s can be
// wrapped in l's Lock and Unlock.
func (a *cgoPass) lockStmt(s *site, st stmts, l lock, findings []*finding) bool {
	// The call must be directly in st: not in an if's or a for's header,
	// not in a function literal.
	switch st.orig.Node().(type) {
	case *ast.ExprStmt, *ast.AssignStmt, *ast.DeclStmt:
	default:
		return false
	}
	if hasFuncLit(st.orig.Node()) || !a.consumed(s) {
		return false
	}

	// It must hold no other unsafe call, and reach none behind l.
	reach := make(map[*ast.FuncDecl]bool)
	for _, d := range a.calls.Reachable([]ast.Node{st.cooked}) {
		reach[d] = true
	}
	for _, f := range findings {
		for _, c := range f.covers {
			if c != s && c.file == s.file && within(c.pos, st.cooked) {
				return false
			}
			if f.lock.key == l.key && reach[enclosingDecl(c)] {
				return false
			}
		}
	}
	return true
}

// consumed reports whether the result of the call of s is used up within
// its statement, so that no pointer into C's state outlives the lock.
func (a *cgoPass) consumed(s *site) bool {
	parent := s.orig.Parent()
	for {
		if _, ok := parent.Node().(*ast.ParenExpr); !ok {
			break
		}
		parent = parent.Parent()
	}
	if _, ok := parent.Node().(*ast.ExprStmt); ok {
		return true // the call is the statement
	}
	res := s.fn.Signature().Results()
	if res.Len() == 0 || !hasPointers(res.At(0).Type()) {
		return true // a value, an int or a struct without pointers
	}
	switch p := parent.Node().(type) {
	case *ast.CallExpr:
		switch cName(p) {
		case "GoString", "GoStringN", "GoBytes":
			return len(p.Args) > 0 && ast.Unparen(p.Args[0]) == s.origCall()
		}
	case *ast.StarExpr:
		ptr, ok := res.At(0).Type().Underlying().(*types.Pointer)
		return ok && (!hasPointers(ptr.Elem()) || libc[s.name].copyable)
	}
	return false
}

// lockFixes builds the fixes of the findings whose calls a lock can
// serialize: one mutex for each lock. The mutexes the package lacks are
// declared together, after the imports of the file of the first such
// call, and every fix holds that same declaration, so that drivers that
// apply several fixes merge the identical edits into one declaration.
func (a *cgoPass) lockFixes(findings []*finding) {
	var (
		byKey = make(map[string][]*finding)
		keys  []string
	)
	for _, f := range findings {
		if byKey[f.lock.key] == nil {
			keys = append(keys, f.lock.key)
		}
		byKey[f.lock.key] = append(byKey[f.lock.key], f)
	}

	// Name the mutexes.
	var (
		names   = make(map[string]string)
		declare []mutexDecl
	)
	for _, key := range keys {
		fs := byKey[key]
		name, exists, ok := a.mutexName(fs)
		if !ok {
			continue
		}
		names[key] = name
		if !exists {
			declare = append(declare, mutexDecl{name, fs[0].lock.what})
		}
	}
	if len(names) == 0 {
		return
	}
	var decl []analysis.TextEdit
	if len(declare) > 0 {
		var ok bool
		if decl, ok = a.declareMutexes(findings[0].site.file, declare); !ok {
			return
		}
	}

	// Lock around each call.
	for _, f := range findings {
		name, ok := names[f.lock.key]
		if !ok {
			continue
		}
		edits := append([]analysis.TextEdit(nil), decl...)
		for _, s := range f.covers {
			st, _ := a.listStmt(s)
			n := st.orig.Node()
			indent := s.file.indent(n.Pos())
			edits = append(edits,
				insert(n.Pos(), name+".Lock()\n"+indent),
				insert(s.file.lineEnd(n.End()), "\n"+indent+name+".Unlock()"))
		}
		f.fix = &analysis.SuggestedFix{
			Message:   fmt.Sprintf("Serialize calls into %s behind a mutex (costs parallelism)", f.lock.what),
			TextEdits: edits,
		}
	}
}

// mutexDecl is a mutex a lock fix declares.
type mutexDecl struct {
	name string
	what string // what it serializes
}

// mutexName chooses the name of the mutex that serializes the calls of
// fs: the lock's key and "Mu", numbered if that is taken by something else
// or hidden at one of the calls. It reports whether the package declares
// that mutex already, as an earlier fix does.
func (a *cgoPass) mutexName(fs []*finding) (name string, exists, ok bool) {
	base := fs[0].lock.key + "Mu"
	for i := 1; i < 100; i++ {
		name := numbered(base, i)
		obj := a.pass.Pkg.Scope().Lookup(name)
		if obj != nil && !isMutexVar(obj) {
			continue
		}
		if a.visibleAtCalls(name, obj, fs) {
			return name, obj != nil, true
		}
	}
	return "", false, false
}

// visibleAtCalls reports whether name refers to obj (nil: to nothing) in
// every file of the package and at each call of fs.
func (a *cgoPass) visibleAtCalls(name string, obj types.Object, fs []*finding) bool {
	for _, f := range a.pass.Files {
		if sc := a.pass.TypesInfo.Scopes[f]; sc != nil && sc.Lookup(name) != nil {
			return false // an import of that name
		}
	}
	for _, f := range fs {
		for _, s := range f.covers {
			st, _ := a.listStmt(s)
			if sc := a.blockScope(st.cooked); sc != nil {
				if _, o := sc.LookupParent(name, st.cooked.Pos()); o != nil && o != obj {
					return false
				}
			}
		}
	}
	return true
}

// isMutexVar reports whether obj is a package-level sync.Mutex variable,
// as an earlier lock fix declares.
func isMutexVar(obj types.Object) bool {
	v, ok := obj.(*types.Var)
	if !ok {
		return false
	}
	named, ok := types.Unalias(v.Type()).(*types.Named)
	return ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == "sync" && named.Obj().Name() == "Mutex"
}

// declareMutexes returns the edits that declare the mutexes after the
// imports of cf, importing sync there if needed.
func (a *cgoPass) declareMutexes(cf *cgoFile, mutexes []mutexDecl) ([]analysis.TextEdit, bool) {
	var last *ast.GenDecl
	for _, d := range cf.orig.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			last = g
		}
	}
	if last == nil {
		return nil, false // cannot happen: the file imports "C"
	}
	sync, edits := a.syncImport(cf, last.End())
	var b strings.Builder
	for _, m := range mutexes {
		fmt.Fprintf(&b, "\n\n// %s serializes the calls into %s that are not safe\n// to make from several goroutines at once.\nvar %s %sMutex",
			m.name, m.what, m.name, sync)
	}
	return append(edits, insert(last.End(), b.String())), true
}

// syncImport returns the qualifier of package sync in cf ("sync.",
// "gosync." or "" for a dot import), and the edits that import it if cf
// does not: into an import group without "C", or as a declaration at end.
func (a *cgoPass) syncImport(cf *cgoFile, end token.Pos) (string, []analysis.TextEdit) {
	for _, imp := range cf.orig.Imports {
		if path, _ := strconv.Unquote(imp.Path.Value); path != "sync" {
			continue
		}
		switch {
		case imp.Name == nil:
			return "sync.", nil
		case imp.Name.Name == ".":
			return "", nil
		case imp.Name.Name != "_":
			return imp.Name.Name + ".", nil
		}
	}

	// Choose a name that nothing in the file or the package takes.
	name := "sync"
	fileScope := a.pass.TypesInfo.Scopes[cf.cooked]
	for i := 1; ; i++ {
		if i > 1 {
			name = numbered("gosync", i-1)
		}
		if a.pass.Pkg.Scope().Lookup(name) == nil && (fileScope == nil || fileScope.Lookup(name) == nil) {
			break
		}
	}
	spec := strconv.Quote("sync")
	if name != "sync" {
		spec = name + " " + spec
	}
	for _, d := range cf.orig.Decls {
		g, ok := d.(*ast.GenDecl)
		if ok && g.Tok == token.IMPORT && g.Lparen.IsValid() && !importsC(g) {
			return name + ".", []analysis.TextEdit{insert(g.Rparen, "\t"+spec+"\n")}
		}
	}
	return name + ".", []analysis.TextEdit{insert(end, "\n\nimport "+spec)}
}

// importsC reports whether the import declaration g imports "C".
func importsC(g *ast.GenDecl) bool {
	for _, spec := range g.Specs {
		if imp := spec.(*ast.ImportSpec); imp.Path.Value == `"C"` {
			return true
		}
	}
	return false
}

// mutexBase turns a library's name into the base of a Go identifier:
// libfoo, sqlite3, fastjson for fastjson.h.
func mutexBase(lib string) string {
	lib = strings.TrimSuffix(lib, ".h")
	var b strings.Builder
	for i, r := range lib {
		switch {
		case r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z':
			b.WriteRune(r)
		case '0' <= r && r <= '9':
			if i == 0 {
				b.WriteString("lib")
			}
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "lib"
	}
	return b.String()
}

// hasFuncLit reports whether n holds a function literal.
func hasFuncLit(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			found = true
		}
		return !found
	})
	return found
}

// within reports whether pos is inside n.
func within(pos token.Pos, n ast.Node) bool { return n.Pos() <= pos && pos < n.End() }

// enclosingDecl returns the function declaration of the generated file
// around the call of s, or nil.
func enclosingDecl(s *site) *ast.FuncDecl {
	for cur := range s.ref.Enclosing((*ast.FuncDecl)(nil)) {
		return cur.Node().(*ast.FuncDecl)
	}
	return nil
}
