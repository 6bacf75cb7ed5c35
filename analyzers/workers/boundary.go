package workers

import (
	"go/ast"
	"go/constant"
	"go/types"
	"sort"
	"strings"
)

// What a call does to the process that makes a child running it an
// isolation boundary, worded to follow "the child".
const (
	dropsPrivileges  = "drops privileges"
	changesRoot      = "changes its root directory"
	changesDir       = "changes its working directory"
	setsUmask        = "sets its umask"
	setsRlimits      = "sets resource limits"
	handlesSignals   = "changes its signal handling"
	entersNamespaces = "enters other namespaces"
)

// Isolating returns what calling obj does that isolates the calling
// process from its parent, worded to follow "the child" ("drops
// privileges"), or "" when obj is no such function.
//
// The functions are those of the table of process-global state whose
// kind a goroutine cannot have for itself alone: credentials, root and
// working directory, umask, resource limits, signal handling and
// namespaces. The rewriter refuses the same uses through that table, so
// a child that check calls a boundary is never one rewrite converts, nor
// the other way round. runtime.LockOSThread is no boundary: alone it only
// pins a goroutine to its thread, and the namespace calls that make it
// matter count by themselves.
func Isolating(obj types.Object) string {
	fn, ok := obj.(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Signature().Recv() != nil {
		return ""
	}
	g, ok := processGlobals[fn.Pkg().Path()][fn.Name()]
	if !ok {
		return ""
	}
	switch g.kind {
	case KindCreds:
		return dropsPrivileges
	case KindCwd:
		if g.why == whyRoot {
			return changesRoot
		}
		return changesDir
	case KindUmask:
		return setsUmask
	case KindRlimit:
		return setsRlimits
	case KindSignals:
		return handlesSignals
	case KindThread:
		if g.why == whyNamespace {
			return entersNamespaces
		}
	}
	return ""
}

// sysAttrs are the fields of syscall.SysProcAttr that isolate the child,
// in the order a boundary names them, with why, worded to follow "the
// child".
var sysAttrs = [...]struct{ field, why string }{
	{"Credential", "runs as another user (SysProcAttr.Credential)"},
	{"Chroot", "runs under another root directory (SysProcAttr.Chroot)"},
	{"Cloneflags", "runs in new namespaces (SysProcAttr.Cloneflags)"},
	{"Unshareflags", "unshares namespaces from its parent (SysProcAttr.Unshareflags)"},
	{"AmbientCaps", "holds ambient capabilities (SysProcAttr.AmbientCaps)"},
	{"Pdeathsig", "is sent a signal when the thread that started it exits (SysProcAttr.Pdeathsig)"},
}

// whySetsid is the boundary of a child in a session of its own that the
// parent never waits for: a daemon meant to outlive it.
const whySetsid = "starts a session of its own and is never waited for, so it outlives the parent (SysProcAttr.Setsid)"

// classify sets the Child, Kind and Boundary of s.
func (f *finder) classify(s *Spawn, roles []*Dispatch) {
	s.Child = s.Dispatch
	if s.Child == nil && s.Self != "" {
		s.Child = f.child(s, roles)
	}
	if s.Self == "" && s.Program == "" {
		s.Kind = StartExternal
		return
	}
	s.Boundary = f.attrBoundary(s)
	if s.Boundary == "" && s.Child != nil {
		s.Boundary = f.roleIsolation(s.Child)
	}
	s.Kind = StartWorker
	if s.Boundary != "" {
		s.Kind = StartBoundary
	}
}

// attrBoundary returns why the attributes s starts its child with isolate
// it, or "":
//
//	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534}}
//	cmd.SysProcAttr.Cloneflags = syscall.CLONE_NEWNS
//	&exec.Cmd{..., SysProcAttr: attr}
//	os.StartProcess(exe, argv, &os.ProcAttr{Sys: &syscall.SysProcAttr{Chroot: dir}})
//
// A field set to its zero value does not count, and Setsid only when
// nothing waits for the child.
func (f *finder) attrBoundary(s *Spawn) string {
	set := f.sysAttrsOf(s)
	var whys []string
	for _, a := range sysAttrs {
		if set[a.field] {
			whys = append(whys, a.why)
		}
	}
	if set["Setsid"] && !f.waited(s) {
		whys = append(whys, whySetsid)
	}
	if set[attrUnread] {
		whys = append(whys, whyUnread)
	}
	for field := range set {
		if field != attrUnread {
			s.Attrs = append(s.Attrs, field)
		}
	}
	sort.Strings(s.Attrs)
	return strings.Join(whys, " and ")
}

// sysAttrsOf returns the fields of syscall.SysProcAttr that s sets to a
// value other than their zero.
func (f *finder) sysAttrsOf(s *Spawn) map[string]bool {
	var values []ast.Expr
	switch s.Form {
	case FormCmdLiteral:
		values = append(values, fieldValue(f.info, s.At.(*ast.CompositeLit), "SysProcAttr"))
	case FormStartProcess, FormForkExec:
		arg := s.At.(*ast.CallExpr).Args[2]
		if attr := f.literalOf(arg, s.Func); attr != nil {
			values = append(values, fieldValue(f.info, attr, "Sys"))
		}
		if v, ok := objectOf(f.info, arg).(*types.Var); ok && s.Func != nil && f.isLocal(v, s.Func) {
			path, typ := "os", "ProcAttr"
			if s.Form == FormForkExec {
				path = "syscall"
			}
			values = append(values, f.fieldAssigns(v, path, typ, "Sys")...)
		}
	}
	set := make(map[string]bool)
	if s.Cmd != nil {
		values = append(values, f.fieldAssigns(s.Cmd, "os/exec", "Cmd", "SysProcAttr")...)
		f.attrAssigns(s.Cmd, set, func(x ast.Expr) bool {
			// cmd.SysProcAttr.Credential = ...
			sel := selectorOf(x)
			return sel != nil && refersTo(f.info, sel.X, s.Cmd) && isField(objectOf(f.info, sel), "os/exec", "Cmd", "SysProcAttr")
		})
	}
	for _, e := range values {
		if e != nil {
			f.attrFields(e, s.Func, set, 2)
		}
	}
	return set
}

// attrFields adds to set the non-zero fields of e, a SysProcAttr literal
// or a local variable given literals and assigned fields.
func (f *finder) attrFields(e ast.Expr, fn *ast.FuncDecl, set map[string]bool, depth int) {
	if lit := compositeLit(e); lit != nil {
		if !isNamed(f.info.TypeOf(lit), "syscall", "SysProcAttr") {
			return
		}
		for _, elt := range lit.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok && !f.isZero(kv.Value) {
				if id, ok := kv.Key.(*ast.Ident); ok {
					set[id.Name] = true
				}
			}
		}
		return
	}
	if call, ok := ast.Unparen(e).(*ast.CallExpr); ok {
		f.attrResults(call, set, depth)
		return
	}
	v, ok := objectOf(f.info, e).(*types.Var)
	if !ok || depth == 0 || fn == nil || !f.isLocal(v, fn) {
		if !f.isZero(e) && isNamed(derefType(f.info.TypeOf(e)), "syscall", "SysProcAttr") {
			set[attrUnread] = true
		}
		return
	}
	if fn.Type.Params != nil && fn.Type.Params.Pos() <= v.Pos() && v.Pos() < fn.Type.Params.End() {
		set[attrUnread] = true // the caller's attributes
	}
	if as, ok := f.assignments(v); ok {
		for _, a := range as {
			if a.tuple < 0 {
				f.attrFields(a.rhs, fn, set, depth-1)
			} else {
				set[attrUnread] = true // one of several results
			}
		}
	}
	f.attrAssigns(v, set, func(x ast.Expr) bool { return refersTo(f.info, x, v) })
}

// attrUnread stands in the set of fields for attributes whose value the
// analysis cannot read: a child started with them may be isolated.
const attrUnread = "?"

// whyUnread is the boundary of a child whose attributes cannot be read.
const whyUnread = "is started with SysProcAttr values the analysis cannot read, which may isolate it"

// attrResults adds to set the fields of the SysProcAttr values that a
// function of the package returns, when call calls one; any other call
// adds attrUnread:
//
//	cmd.SysProcAttr = jailAttr() // func jailAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Chroot: dir} }
func (f *finder) attrResults(call *ast.CallExpr, set map[string]bool, depth int) {
	decl := f.decls[callee(f.info, call)]
	if decl == nil || decl.Body == nil || depth == 0 {
		set[attrUnread] = true
		return
	}
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if len(n.Results) == 1 {
				f.attrFields(n.Results[0], decl, set, depth-1)
			} else {
				set[attrUnread] = true // named results
			}
		}
		return true
	})
}

// derefType returns the element type of a pointer type, else t.
func derefType(t types.Type) types.Type {
	if p, ok := t.(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// attrAssigns adds to set the SysProcAttr fields given a non-zero value
// through an expression holder accepts: holder.Field = value.
func (f *finder) attrAssigns(v *types.Var, set map[string]bool, holder func(ast.Expr) bool) {
	f.inspect(v, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, lhs := range as.Lhs {
			sel := selectorOf(lhs)
			if sel == nil || !holder(sel.X) || f.isZero(as.Rhs[i]) {
				continue
			}
			if fv, ok := objectOf(f.info, sel).(*types.Var); ok && fv.IsField() && fv.Pkg() != nil && fv.Pkg().Path() == "syscall" {
				set[fv.Name()] = true
			}
		}
		return true
	})
}

// isZero reports whether e is nil or a constant zero, false or "".
func (f *finder) isZero(e ast.Expr) bool {
	tv, ok := f.info.Types[e]
	if !ok {
		return false
	}
	if tv.IsNil() {
		return true
	}
	if tv.Value == nil {
		return false
	}
	switch tv.Value.Kind() {
	case constant.Bool:
		return !constant.BoolVal(tv.Value)
	case constant.String:
		return constant.StringVal(tv.Value) == ""
	case constant.Int, constant.Float, constant.Complex:
		return constant.Sign(tv.Value) == 0
	}
	return false
}

// waited reports whether the parent waits for the child of s anywhere:
// Wait, Run, Output or CombinedOutput on its command, Wait on its
// process, or syscall.Wait4 on the pid of syscall.ForkExec, in the
// function that holds them or in a function of the package they are
// handed to:
//
//	session.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
//	return send(session) // func send(cmd *exec.Cmd) error { ... cmd.Output() ... }
func (f *finder) waited(s *Spawn) bool {
	holder := s.Cmd
	call, _ := s.At.(*ast.CallExpr)
	if s.Form == FormStartProcess || s.Form == FormForkExec {
		holder = f.assigned[call]
	}
	if holder != nil {
		return f.waitsFor(holder, 2)
	}
	// exec.Command(...).Run()
	isAt := func(e ast.Expr) bool { return ast.Unparen(e) == s.At || compositeLit(e) == s.At }
	return s.Func != nil && f.waitIn(s.Func, isAt)
}

// waitsFor reports whether code in the scope of holder, or in a function
// of the package holder is handed to, depth calls deep, waits for the
// child holder holds.
func (f *finder) waitsFor(holder *types.Var, depth int) bool {
	found := false
	isHolder := func(e ast.Expr) bool { return refersTo(f.info, e, holder) }
	handed := func(c *ast.CallExpr, i int) {
		decl := f.decls[callee(f.info, c)]
		if found || depth == 0 || decl == nil || decl.Body == nil || decl.Type.Params == nil {
			return
		}
		if p := paramAt(f.info, decl, i); p != nil {
			found = f.waitsFor(p, depth-1)
		}
	}
	f.inspect(holder, func(n ast.Node) bool {
		if found {
			return false
		}
		if f.waitCall(n, isHolder, handed) {
			found = true // handed may have found it too
		}
		return !found
	})
	return found
}

// waitIn reports whether code under n waits for the child that isHolder
// accepts.
func (f *finder) waitIn(n ast.Node, isHolder func(ast.Expr) bool) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		found = found || f.waitCall(n, isHolder, nil)
		return !found
	})
	return found
}

// waitCall reports whether n is a call that waits for the child isHolder
// accepts, calling handed with each call of a function that is handed the
// holder as its i-th argument.
func (f *finder) waitCall(n ast.Node, isHolder func(ast.Expr) bool, handed func(*ast.CallExpr, int)) bool {
	c, ok := n.(*ast.CallExpr)
	if !ok {
		return false
	}
	fn := callee(f.info, c)
	sel := selectorOf(c.Fun)
	switch {
	case isPkgFunc(fn, "syscall", "Wait4") || isPkgFunc(fn, "golang.org/x/sys/unix", "Wait4"):
		return len(c.Args) > 0 && isHolder(c.Args[0])
	case sel != nil && isMethod(fn, "os", "Process", "Wait"):
		inner := selectorOf(sel.X) // cmd.Process.Wait()
		return isHolder(sel.X) || inner != nil && isHolder(inner.X) && isField(objectOf(f.info, inner), "os/exec", "Cmd", "Process")
	case sel != nil && (isMethod(fn, "os/exec", "Cmd", "Wait") || isMethod(fn, "os/exec", "Cmd", "Run") ||
		isMethod(fn, "os/exec", "Cmd", "Output") || isMethod(fn, "os/exec", "Cmd", "CombinedOutput")):
		return isHolder(sel.X)
	}
	if handed != nil {
		for i, arg := range c.Args {
			if isHolder(arg) {
				handed(c, i)
			}
		}
	}
	return false
}

// paramAt returns the i-th parameter of decl, or nil.
func paramAt(info *types.Info, decl *ast.FuncDecl, i int) *types.Var {
	for _, field := range decl.Type.Params.List {
		for _, name := range field.Names {
			if i == 0 {
				v, _ := info.Defs[name].(*types.Var)
				return v
			}
			i--
		}
		if len(field.Names) == 0 {
			i--
		}
	}
	return nil
}

// callGraph returns the calls of the package, built once.
func (f *finder) callGraph() *Calls {
	if f.calls == nil {
		f.calls = NewCalls(f.files, f.info)
	}
	return f.calls
}

// roleIsolation returns why the code that serves d isolates the child,
// or "": a call of Isolating in the branch or in a function of the
// package it can run, or a function of another package that
// Options.Isolation names, the first found in source order, branch
// first:
//
//	case "sandbox":
//		dropPrivileges() // calls syscall.Setuid: "drops privileges with syscall.Setuid in dropPrivileges"
//		serve(os.Stdin, os.Stdout)
//
// Whether the call comes before the work is not checked: such calls are
// made first in practice, and a child that makes them later is no less
// isolated once it has.
func (f *finder) roleIsolation(d *Dispatch) string {
	named := func(fn *types.Func) string { return FuncString(fn, f.pkg) }
	roots := make([]ast.Node, 0, len(d.Body))
	for _, st := range d.Body {
		roots = append(roots, st)
	}
	if why := f.isolationIn(roots, nil, named); why != "" {
		return why
	}
	if len(roots) == 0 && d.Entry != nil {
		if decl := f.callGraph().Decl(d.Entry); decl != nil && decl.Body != nil {
			// The role runs a named function of the package.
			roots = []ast.Node{decl.Body}
			if why := f.isolationIn(roots, d.Entry, named); why != "" {
				return why
			}
		} else if d.Entry.Pkg() != f.pkg && f.opts.Isolation != nil {
			return f.opts.Isolation(d.Entry)
		}
	}
	for _, decl := range f.callGraph().Reachable(roots) {
		fn, _ := f.info.Defs[decl.Name].(*types.Func)
		if why := f.isolationIn([]ast.Node{decl.Body}, fn, named); why != "" {
			return why
		}
	}
	return ""
}

// isolationIn returns why the first isolating call under roots, or call
// of another package's function Options.Isolation names, isolates the
// child. holder is the function the roots belong to, named by name in
// the reason; nil for a branch.
func (f *finder) isolationIn(roots []ast.Node, holder *types.Func, name func(*types.Func) string) string {
	why := ""
	for _, root := range roots {
		ast.Inspect(root, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok || why != "" {
				return why == ""
			}
			fn, ok := f.info.Uses[id].(*types.Func)
			if !ok {
				return true
			}
			if what := Isolating(fn); what != "" {
				why = what + " with " + fn.Pkg().Name() + "." + fn.Name()
				if holder != nil {
					why += " in " + name(holder)
				}
				return false
			}
			if fn.Pkg() != nil && fn.Pkg() != f.pkg && f.opts.Isolation != nil {
				why = f.opts.Isolation(fn.Origin())
			}
			return why == ""
		})
		if why != "" {
			break
		}
	}
	return why
}

// Isolations returns why each function and method declared in files
// isolates a process that runs it, worded as Spawn.Boundary with the
// function holding the call named with its package:
// "drops privileges with unix.Setuid in jail.drop". A function counts when
// it calls an Isolating function, or a function of another package for
// which isolation (from facts) returns a reason, itself or through the
// functions of its package it can run, its own calls first. Functions
// that do not are left out.
func Isolations(files []*ast.File, info *types.Info, pkg *types.Package, isolation func(*types.Func) string) map[*types.Func]string {
	f := &finder{files: files, info: info, pkg: pkg, opts: Options{Isolation: isolation}}
	calls := f.callGraph()

	// Find each function's own reason, in source order.
	var (
		decls []*ast.FuncDecl
		objs  []*types.Func
		why   = make(map[*ast.FuncDecl]string)
	)
	for _, file := range files {
		for _, decl := range file.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, ok := info.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			decls, objs = append(decls, fd), append(objs, fn)
			why[fd] = f.isolationIn([]ast.Node{fd.Body}, fn, qualName)
		}
	}

	// Then take a callee's, until nothing changes.
	for changed := true; changed; {
		changed = false
		for _, fd := range decls {
			if why[fd] != "" {
				continue
			}
			for _, c := range calls.Callees(fd.Body) {
				if w := why[c]; w != "" {
					why[fd], changed = w, true
					break
				}
			}
		}
	}
	out := make(map[*types.Func]string)
	for i, fd := range decls {
		if why[fd] != "" {
			out[objs[i]] = why[fd]
		}
	}
	return out
}

// qualName names fn with its package name, as code in another package
// would: jail.drop, or (*jail.Cell).enter for a method.
func qualName(fn *types.Func) string {
	recv := fn.Signature().Recv()
	if recv == nil {
		return fn.Pkg().Name() + "." + fn.Name()
	}
	t := types.TypeString(recv.Type(), func(p *types.Package) string { return p.Name() })
	if _, ok := types.Unalias(recv.Type()).(*types.Pointer); ok {
		return "(" + t + ")." + fn.Name()
	}
	return t + "." + fn.Name()
}
