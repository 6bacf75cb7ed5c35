package cgocall

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// reentrantFix returns the fix that replaces the call of f with its
// reentrant variant, when the shape of the code proves the variant means
// the same, or nil.
func (a *cgoPass) reentrantFix(f *finding) *analysis.SuggestedFix {
	if _, ok := libc[f.site.name]; !ok || !f.site.orig.Valid() {
		return nil
	}
	switch f.site.name {
	case "localtime", "gmtime":
		return a.tmFix(f.site)
	case "strtok":
		if len(f.covers) == 2 {
			return a.strtokFix(f.site)
		}
	}
	return nil
}

// tmFix converts a dereferenced call of localtime or gmtime to the _r
// variant with a buffer declared before the statement:
//
//	tm := *C.localtime(&t)
//
// =>
//
//	var tmBuf C.struct_tm
//	tm := *C.localtime_r(&t, &tmBuf)
//
// The dereference copies the struct out of the buffer as it copied it out
// of libc's static one, and fails the same way when the call returns NULL.
// localtime_r need not read TZ again at each call as localtime does, which
// the title says. A result kept as a pointer is out of scope: the buffer
// would have to live as long as the pointer.
func (a *cgoPass) tmFix(s *site) *analysis.SuggestedFix {
	var (
		call = s.origCall()
		sel  = ast.Unparen(call.Fun).(*ast.SelectorExpr)
		res  = s.fn.Signature().Results()
	)
	if len(call.Args) != 1 || res.Len() != 1 || !isDeref(s.orig) || trailingComma(s.file, call) {
		return nil
	}
	ptr, ok := cType(res.At(0).Type())
	if !ok || !strings.HasPrefix(ptr, "*") {
		return nil
	}
	st, ok := a.listStmt(s)
	if !ok {
		return nil
	}
	var (
		buf    = a.freeLocal("tmBuf", st.cooked)
		n      = st.orig.Node()
		reentr = s.name + "_r"
		title  = fmt.Sprintf("Use %s with a local %s", reentr, ptr[1:])
	)
	if s.name == "localtime" {
		title += " (it need not re-read TZ at each call)"
	}
	return &analysis.SuggestedFix{
		Message: title,
		TextEdits: []analysis.TextEdit{
			insert(n.Pos(), fmt.Sprintf("var %s %s\n%s", buf, ptr[1:], s.file.indent(n.Pos()))),
			replace(sel.Sel, reentr),
			insert(call.Rparen, ", &"+buf),
		},
	}
}

// isDeref reports whether the call at cur is the operand of a *.
func isDeref(cur inspector.Cursor) bool {
	for cur = cur.Parent(); ; cur = cur.Parent() {
		switch cur.Node().(type) {
		case *ast.ParenExpr:
			continue
		case *ast.StarExpr:
			return true
		}
		return false
	}
}

// trailingComma reports whether the arguments of call end with a comma,
// after which another argument cannot simply be appended.
func trailingComma(cf *cgoFile, call *ast.CallExpr) bool {
	if len(call.Args) == 0 {
		return false
	}
	between := cf.src[cf.tok.Offset(call.Args[len(call.Args)-1].End()):cf.tok.Offset(call.Rparen)]
	return strings.Contains(string(between), ",")
}

// strtokLoop is a for statement that tokenizes a string with strtok:
//
//	for tok := C.strtok(s, sep); tok != nil; tok = C.strtok(nil, sep) {
//		...
//	}
type strtokLoop struct {
	loop       inspector.Cursor // the *ast.ForStmt as written
	init, post *ast.CallExpr
}

// strtokLoopOf returns the loop whose init statement makes the strtok
// call of s, if the loop has the shape above: a call with a string in its
// init statement, a call with nil assigned to the same variable in its
// post statement, both with two arguments.
func strtokLoopOf(s *site) (strtokLoop, bool) {
	var (
		call   = s.origCall()
		assign = s.orig.Parent()
	)
	init, ok := assign.Node().(*ast.AssignStmt)
	if !ok || assign.ParentEdgeKind() != edge.ForStmt_Init || len(init.Lhs) != 1 || len(init.Rhs) != 1 || init.Rhs[0] != call {
		return strtokLoop{}, false
	}
	loop := assign.Parent()
	post, ok := loop.Node().(*ast.ForStmt).Post.(*ast.AssignStmt)
	if !ok || post.Tok != token.ASSIGN || len(post.Lhs) != 1 || len(post.Rhs) != 1 {
		return strtokLoop{}, false
	}
	v, ok1 := init.Lhs[0].(*ast.Ident)
	w, ok2 := post.Lhs[0].(*ast.Ident)
	next, ok3 := post.Rhs[0].(*ast.CallExpr)
	if !ok1 || !ok2 || !ok3 || v.Name != w.Name || cName(next) != "strtok" {
		return strtokLoop{}, false
	}
	if len(call.Args) != 2 || len(next.Args) != 2 || isNil(call.Args[0]) || !isNil(next.Args[0]) {
		return strtokLoop{}, false
	}
	return strtokLoop{loop: loop, init: call, post: next}, true
}

// strtokContinuation returns the site of the strtok call that continues,
// in its post statement, the tokenization the loop of s starts, or nil.
// The two calls are one use of strtok's state and one finding.
func (a *cgoPass) strtokContinuation(s *site) *site {
	l, ok := strtokLoopOf(s)
	if !ok {
		return nil
	}
	for _, c := range a.sites {
		if c.file == s.file && c.origCall() == l.post {
			return c
		}
	}
	return nil
}

// strtokFix converts a strtok loop to strtok_r with a save pointer
// declared before the loop:
//
//	for tok := C.strtok(s, sep); tok != nil; tok = C.strtok(nil, sep) {
//
// =>
//
//	var saveptr *C.char
//	for tok := C.strtok_r(s, sep, &saveptr); tok != nil; tok = C.strtok_r(nil, sep, &saveptr) {
//
// strtok_r keeps in saveptr what strtok keeps in static storage, so the
// loop tokenizes the same way as long as nothing else in it uses strtok:
// its condition and body may call no strtok, directly, through a function
// of the package, or through the package's C code.
func (a *cgoPass) strtokFix(s *site) *analysis.SuggestedFix {
	l, ok := strtokLoopOf(s)
	if !ok || trailingComma(s.file, l.init) || trailingComma(s.file, l.post) {
		return nil
	}
	sig := s.fn.Signature()
	if sig.Params().Len() != 2 {
		return nil
	}
	ptr, ok := cType(sig.Params().At(0).Type())
	if !ok {
		return nil
	}
	st, ok := a.listStmt(s)
	if !ok {
		return nil
	}
	cookedLoop := a.cookedStmt(s, l.loop.Node().Pos())
	loop, ok := cookedLoop.(*ast.ForStmt)
	if !ok || a.usesStrtok(loop.Cond, loop.Body) {
		return nil
	}

	var (
		save  = a.freeLocal("saveptr", st.cooked)
		n     = st.orig.Node()
		edits = []analysis.TextEdit{
			insert(n.Pos(), fmt.Sprintf("var %s %s\n%s", save, ptr, s.file.indent(n.Pos()))),
		}
	)
	for _, call := range []*ast.CallExpr{l.init, l.post} {
		edits = append(edits,
			replace(ast.Unparen(call.Fun).(*ast.SelectorExpr).Sel, "strtok_r"),
			insert(call.Rparen, ", &"+save))
	}
	return &analysis.SuggestedFix{
		Message:   fmt.Sprintf("Use strtok_r with a local %s", save),
		TextEdits: edits,
	}
}

// usesStrtok reports whether the generated code in nodes can call
// strtok: directly, through a function of the package, or through a
// function of the package's C code.
func (a *cgoPass) usesStrtok(nodes ...ast.Node) bool {
	var roots []ast.Node
	for _, n := range nodes {
		if n != nil {
			roots = append(roots, n)
		}
	}
	scan := append([]ast.Node(nil), roots...)
	for _, d := range a.calls.Reachable(roots) {
		scan = append(scan, d.Body)
	}
	found := false
	for _, n := range scan {
		ast.Inspect(n, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok || found {
				return !found
			}
			name, fn := a.cFunc(id)
			if fn != nil && (name == "strtok" || a.code.reaches(name, "strtok")) {
				found = true
			}
			return true
		})
	}
	return found
}
