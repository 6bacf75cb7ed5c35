package cgocall

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// cgoBuiltins are the helpers cgo itself provides under C. They copy
// between Go and C memory and keep no state.
var cgoBuiltins = setOf(`CString CBytes GoString GoStringN GoBytes`)

// site is a call of a C function from Go code that a worker or a
// goroutine runs.
type site struct {
	name  string           // the C function
	fn    *types.Func      // cgo's Go wrapper for it, whose signature has the C types
	ref   inspector.Cursor // cgo's reference to the wrapper, in the generated file
	file  *cgoFile
	orig  inspector.Cursor // the call as written; not Valid if unknown
	entry *workers.Entry   // the first entry whose code makes the call
	pos   token.Pos        // where to report: maps to C.name as written
	end   token.Pos        // the end of C.name, or NoPos
}

// origCall returns the call as written, or nil.
func (s *site) origCall() *ast.CallExpr {
	if !s.orig.Valid() {
		return nil
	}
	return s.orig.Node().(*ast.CallExpr)
}

// findSites returns the C calls in the code of entries, in the order of
// the files and of the calls in them, each with the first entry that
// reaches it.
func (a *cgoPass) findSites(entries []workers.Entry) []*site {
	// Find what each entry runs.
	reach := make([]map[*ast.FuncDecl]bool, len(entries))
	for i, e := range entries {
		reach[i] = make(map[*ast.FuncDecl]bool)
		for _, d := range a.calls.Reachable(e.Roots) {
			reach[i][d] = true
		}
	}
	entryOf := func(cur inspector.Cursor) *workers.Entry {
		var decl *ast.FuncDecl
		for d := range cur.Enclosing((*ast.FuncDecl)(nil)) {
			decl = d.Node().(*ast.FuncDecl)
			break
		}
		pos := cur.Node().Pos()
		for i := range entries {
			if decl != nil && reach[i][decl] {
				return &entries[i]
			}
			for _, r := range entries[i].Roots {
				if r.Pos() <= pos && pos < r.End() {
					return &entries[i]
				}
			}
		}
		return nil
	}

	// Find the C calls in that code.
	var sites []*site
	for _, cf := range a.files {
		fileCur, ok := a.inspect.Root().FindNode(cf.cooked)
		if !ok {
			continue
		}
		for cur := range fileCur.Preorder((*ast.CallExpr)(nil)) {
			call := cur.Node().(*ast.CallExpr)
			id, ok := ast.Unparen(call.Fun).(*ast.Ident)
			if !ok {
				continue
			}
			name, fn := a.cFunc(id)
			if fn == nil || cgoBuiltins[name] {
				continue
			}
			entry := entryOf(cur)
			if entry == nil {
				continue // not run by a worker or a goroutine
			}
			if a.lockHeld(cur) {
				continue // serialized already
			}
			ref, _ := cur.FindNode(id)
			s := &site{name: name, fn: fn, ref: ref, file: cf, entry: entry}
			a.locate(s)
			sites = append(sites, s)
		}
	}
	return sites
}

// cFunc returns the C function that id refers to through cgo's wrapper
// (_Cfunc_name, or _C2func_name for the form that also returns errno),
// or nil.
func (a *cgoPass) cFunc(id *ast.Ident) (string, *types.Func) {
	fn, ok := a.pass.TypesInfo.Uses[id].(*types.Func)
	if !ok || fn.Pkg() != a.pass.Pkg {
		return "", nil
	}
	for _, prefix := range []string{"_Cfunc_", "_C2func_"} {
		if name, ok := strings.CutPrefix(fn.Name(), prefix); ok {
			if name == "_CMalloc" {
				name = "malloc" // cgo's own malloc, which never returns NULL
			}
			return name, fn
		}
	}
	return "", nil
}

// locate finds the call as written and the position to report. cgo maps
// its reference to C.name as written, or, when it wraps the call in a
// function literal that checks pointer arguments, to the end of the call;
// the wrapper then starts where C.name did.
func (a *cgoPass) locate(s *site) {
	fset := a.pass.Fset
	s.pos = s.ref.Node().Pos()
	if s.file.orig == nil {
		return
	}
	p := fset.Position(s.pos)
	cur, ok := s.file.calls[lineCol{p.Line, p.Column}]
	if !ok || cName(cur.Node().(*ast.CallExpr)) != s.name {
		return // the file changed since it was built
	}
	s.orig = cur
	sel := ast.Unparen(s.origCall().Fun)
	want := s.file.lineCol(sel.Pos())
	for c := s.ref; c.Valid(); c = c.Parent() {
		if _, ok := c.Node().(ast.Stmt); ok {
			break
		}
		if q := fset.Position(c.Node().Pos()); (lineCol{q.Line, q.Column}) == want {
			s.pos = c.Node().Pos()
			break
		}
	}
	if paren, ok := s.ref.Parent().Node().(*ast.ParenExpr); ok {
		if q := fset.Position(paren.End()); (lineCol{q.Line, q.Column}) == s.file.lineCol(sel.End()) {
			s.end = paren.End()
		}
	}
}

// who names the code that makes the call of s, for messages.
func (a *cgoPass) who(e *workers.Entry) string {
	if e.Kind == workers.WorkerEntry {
		return fmt.Sprintf("worker %q", e.Role)
	}
	p := a.pass.Fset.Position(e.At.Pos())
	return fmt.Sprintf("the goroutine started at %s:%d", filepath.Base(p.Filename), p.Line)
}

// nilArg reports whether argument i of the call at s is nil.
func (a *cgoPass) nilArg(s *site, i int) bool {
	var arg ast.Expr
	if call := s.origCall(); call != nil {
		if i >= len(call.Args) {
			return false
		}
		arg = call.Args[i]
	} else {
		c := s.ref.Parent()
		if _, ok := c.Node().(*ast.ParenExpr); ok {
			c = c.Parent()
		}
		call, ok := c.Node().(*ast.CallExpr)
		if !ok || i >= len(call.Args) {
			return false
		}
		arg = call.Args[i]
	}
	return isNil(arg)
}

// isNil reports whether e is nil, possibly converted: nil, (*C.char)(nil),
// unsafe.Pointer(nil). It goes by the spelling, since the file as written
// has no type information; a variable named nil is not worth the cost.
func isNil(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return e.Name == "nil"
	case *ast.CallExpr:
		return len(e.Args) == 1 && isNil(e.Args[0])
	}
	return false
}

// lockHeld reports whether the call at cur runs with a sync.Mutex locked
// by the same function: the closest Lock or Unlock statement before it,
// in its block or an enclosing one, is a Lock. That is the shape of the
// lock fix, and of mu.Lock(); defer mu.Unlock().
//
//	mu.Lock()
//	tm := *C.localtime(&t)   // not reported
//	mu.Unlock()
//
// TODO(procmigrate): that every call of the C code takes the same mutex
// is not checked.
func (a *cgoPass) lockHeld(cur inspector.Cursor) bool {
	for ; cur.Valid(); cur = cur.Parent() {
		switch cur.Node().(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return false // a lock of the caller is not held on a new goroutine
		}
		if _, ok := cur.Node().(ast.Stmt); !ok || !inList(cur) {
			continue
		}
		for prev, ok := cur.PrevSibling(); ok; prev, ok = prev.PrevSibling() {
			switch a.mutexOp(prev.Node()) {
			case "Lock":
				return true
			case "Unlock":
				return false
			}
		}
	}
	return false
}

// mutexOp returns "Lock" or "Unlock" for a statement that locks or
// unlocks a sync.Mutex or a sync.RWMutex for writing, else "".
func (a *cgoPass) mutexOp(n ast.Node) string {
	stmt, ok := n.(*ast.ExprStmt)
	if !ok {
		return ""
	}
	call, ok := stmt.X.(*ast.CallExpr)
	if !ok {
		return ""
	}
	fn, ok := typeutil.Callee(a.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "sync" {
		return ""
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return ""
	}
	switch types.TypeString(recv.Type(), nil) {
	case "*sync.Mutex", "*sync.RWMutex":
		if fn.Name() == "Lock" || fn.Name() == "Unlock" {
			return fn.Name()
		}
	}
	return ""
}
