package workers

import (
	"go/ast"
	"go/token"
	"go/types"
	"path"
	"strings"
)

// MayStart reports whether pkg imports a package that can start a process:
// os/exec, os, syscall or a re-exec helper. Without one, the package has
// no Starts, whatever FindWith is told.
func MayStart(pkg *types.Package) bool {
	for _, p := range []string{"os/exec", "os", "syscall", reexecPaths[0], reexecPaths[1]} {
		if imports(pkg, p) {
			return true
		}
	}
	return false
}

// starts returns every process start of the package in source order. The
// spawns of m are reused, so that a start and its spawn are one value.
func (f *finder) starts(m *Model) []*Spawn {
	spawned := make(map[*ast.CallExpr]*Spawn, len(m.Spawns))
	for _, s := range m.Spawns {
		spawned[s.Call] = s
	}
	var out []*Spawn
	for _, file := range f.files {
		for _, decl := range file.Decls {
			fn, _ := decl.(*ast.FuncDecl)
			ast.Inspect(decl, func(n ast.Node) bool {
				var s *Spawn
				switch n := n.(type) {
				case *ast.CallExpr:
					if s = spawned[n]; s != nil {
						s.Form, s.At = formOf(s), n
						if s.Cmd != nil {
							s.Argv0 = f.argv0Assigned(s.Cmd)
						}
					} else {
						s = f.startCall(n, fn, m.Dispatches)
					}
				case *ast.CompositeLit:
					s = f.startLiteral(n, fn, m.Dispatches)
				}
				if s != nil {
					out = append(out, s)
				}
				return true
			})
		}
	}
	return out
}

// formOf returns the form of a spawn of Model.Spawns.
func formOf(s *Spawn) string {
	if s.Ctx != nil {
		return FormCommandContext
	}
	return FormCommand
}

// startCall matches a call that starts a process, other than the spawns
// of Model.Spawns:
//
//	exec.Command(prog, args...)              exec.CommandContext(ctx, prog, ...)
//	os.StartProcess(prog, argv, attr)        syscall.ForkExec(prog, argv, attr)
//	reexec.Command(argv0, args...)           reexec.CommandContext(ctx, argv0, ...)
//
// The argument vector of os.StartProcess and syscall.ForkExec is followed
// when it is a []string literal or a variable given one literal.
func (f *finder) startCall(call *ast.CallExpr, fn *ast.FuncDecl, ds []*Dispatch) *Spawn {
	var (
		obj  = callee(f.info, call)
		args = call.Args
		s    = &Spawn{At: call, Func: fn, Ellipsis: call.Ellipsis.IsValid()}
		argv []ast.Expr // the written argument vector, argv[0] first
	)
	switch {
	case isPkgFunc(obj, "os/exec", "Command"), isPkgFunc(obj, "os/exec", "CommandContext"):
		s.Form = FormCommand
		if obj.Name() == "CommandContext" {
			if len(args) < 2 {
				return nil // CommandContext(f()) with a multi-valued f
			}
			s.Form, s.Ctx, args = FormCommandContext, args[0], args[1:]
		}
		if len(args) == 0 {
			return nil
		}
		s.Call, s.Name, s.Args = call, args[0], args[1:]
		s.Cmd = f.assigned[call]
	case isPkgFunc(obj, "os", "StartProcess"), isPkgFunc(obj, "syscall", "ForkExec"):
		if len(args) != 3 {
			return nil
		}
		s.Form = FormStartProcess
		if obj.Pkg().Path() == "syscall" {
			s.Form = FormForkExec
		}
		s.Name, s.Ellipsis = args[0], false
		argv = f.stringsOf(args[1], fn)
	case isReexecFunc(obj, "Command"), isReexecFunc(obj, "CommandContext"):
		if obj.Name() == "CommandContext" {
			if len(args) < 1 {
				return nil
			}
			s.Ctx, args = args[0], args[1:]
		}
		if len(args) == 0 || (s.Ellipsis && len(args) == 1) {
			return nil // argv[0] unknown
		}
		s.Form, s.Self, argv = FormReexec, selfReexec, args
		s.Cmd = f.assigned[call]
	default:
		return nil
	}
	if len(argv) > 0 {
		s.Args = argv[1:]
		s.Argv0 = f.argv0(argv[0], s.Name)
	}
	return f.describe(s, fn, ds)
}

// startLiteral matches an exec.Cmd literal with a Path:
//
//	cmd := &exec.Cmd{Path: exe, Args: []string{exe, "agent"}, Env: env}
//
// TODO(procmigrate): a Cmd whose Path is set after the literal, or by
// exec.Command and changed afterwards, is not matched.
func (f *finder) startLiteral(lit *ast.CompositeLit, fn *ast.FuncDecl, ds []*Dispatch) *Spawn {
	if !isNamed(f.info.TypeOf(lit), "os/exec", "Cmd") {
		return nil
	}
	if _, ok := types.Unalias(f.info.TypeOf(lit)).(*types.Pointer); ok {
		return nil // &exec.Cmd{} in a []*exec.Cmd literal: the element is matched
	}
	s := &Spawn{Form: FormCmdLiteral, At: lit, Func: fn, Cmd: f.literals[lit]}
	s.Name = fieldValue(f.info, lit, "Path")
	if s.Name == nil {
		return nil
	}
	if args := fieldValue(f.info, lit, "Args"); args != nil {
		if argv := f.stringsOf(args, fn); len(argv) > 0 {
			s.Args = argv[1:]
			s.Argv0 = f.argv0(argv[0], s.Name)
		}
	}
	return f.describe(s, fn, ds)
}

// describe finishes a start found by startCall or startLiteral: the
// program, the role, argv[0] set after the fact and the pipes. It returns
// nil for the test helper-process idiom.
func (f *finder) describe(s *Spawn, fn *ast.FuncDecl, ds []*Dispatch) *Spawn {
	if s.Self == "" && s.Name != nil {
		s.Self = f.selfExt(s.Name, fn)
	}
	if s.Self == "" {
		f.moduleBinary(s, fn)
	}
	if f.isHelperProcess(s) || f.helperEnv(s) {
		return nil
	}
	if len(s.Args) > 0 && !(s.Ellipsis && len(s.Args) == 1) {
		s.Role, _ = constString(f.info, s.Args[0])
	}
	if s.Cmd != nil {
		if s.Argv0 == "" {
			s.Argv0 = f.argv0Assigned(s.Cmd)
		}
		s.Pipes = f.pipes(s.Cmd)
	}
	if s.Self != "" {
		s.Dispatch = link(s, ds)
	}
	return s
}

// helperEnv reports whether the environment given to s names
// GO_WANT_HELPER_PROCESS, the other half of the helper-process idiom,
// for the forms isHelperProcess does not see.
func (f *finder) helperEnv(s *Spawn) bool {
	for _, kv := range f.env(s) {
		if isHelperEnv(kv) {
			return true
		}
	}
	return false
}

// argv0 returns the constant argv[0] written in an argument vector when
// it differs from the program path, or "".
func (f *finder) argv0(e, prog ast.Expr) string {
	s, ok := constString(f.info, e)
	if !ok {
		return ""
	}
	if p, ok := constString(f.info, prog); ok && p == s {
		return ""
	}
	return s
}

// argv0Assigned returns the constant that replaces argv[0] of the command
// in cmd after it is made, or "":
//
//	cmd := exec.Command("/proc/self/exe", "-9", file)
//	cmd.Args[0] = "pack"
func (f *finder) argv0Assigned(cmd *types.Var) string {
	out := ""
	f.inspect(cmd, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, lhs := range as.Lhs {
			ix, ok := ast.Unparen(lhs).(*ast.IndexExpr)
			if !ok {
				continue
			}
			sel := selectorOf(ix.X)
			if k, ok := constInt(f.info, ix.Index); !ok || k != 0 || sel == nil ||
				!refersTo(f.info, sel.X, cmd) || !isField(objectOf(f.info, sel), "os/exec", "Cmd", "Args") {
				continue
			}
			out, _ = constString(f.info, as.Rhs[i])
		}
		return true
	})
	return out
}

// stringsOf returns the elements of a []string literal, or of the one
// literal a local variable is given, or nil.
func (f *finder) stringsOf(e ast.Expr, fn *ast.FuncDecl) []ast.Expr {
	if lit := compositeLit(e); lit != nil {
		if _, ok := f.info.TypeOf(lit).Underlying().(*types.Slice); ok && !hasKeys(lit) {
			return lit.Elts
		}
		return nil
	}
	v, ok := objectOf(f.info, e).(*types.Var)
	if !ok || fn == nil || !f.isLocal(v, fn) {
		return nil
	}
	as, ok := f.assignments(v)
	if !ok || len(as) != 1 || as[0].tuple >= 0 {
		return nil // changed along the way, or several values
	}
	if compositeLit(as[0].rhs) == nil {
		return nil
	}
	return f.stringsOf(as[0].rhs, fn)
}

// hasKeys reports whether a slice literal gives indices: []string{2: x}.
func hasKeys(lit *ast.CompositeLit) bool {
	for _, e := range lit.Elts {
		if _, ok := e.(*ast.KeyValueExpr); ok {
			return true
		}
	}
	return false
}

// compositeLit returns e as a composite literal, looking through
// parentheses and one &, or nil.
func compositeLit(e ast.Expr) *ast.CompositeLit {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	lit, _ := e.(*ast.CompositeLit)
	return lit
}

// fieldValue returns the value a keyed struct literal gives the field
// name, or nil.
func fieldValue(info *types.Info, lit *ast.CompositeLit, name string) ast.Expr {
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if id, ok := kv.Key.(*ast.Ident); ok && id.Name == name {
			if v, ok := info.Uses[id].(*types.Var); ok && v.IsField() {
				return kv.Value
			}
		}
	}
	return nil
}

// constArgs returns the arguments of s after argv[0] as constants, up to
// the first that is not one or is spread.
func (f *finder) constArgs(s *Spawn) []string {
	var out []string
	for i, a := range s.Args {
		v, ok := constString(f.info, a)
		if !ok || (s.Ellipsis && i == len(s.Args)-1) {
			break
		}
		out = append(out, v)
	}
	return out
}

// env returns the constant "KEY=value" strings given to the environment
// of s:
//
//	cmd.Env = append(os.Environ(), "ROLE=agent")
//	&exec.Cmd{..., Env: env}      with env := []string{"ROLE=agent"}
//	os.StartProcess(exe, argv, &os.ProcAttr{Env: ...})
//
// Local variables named in the value are followed one step.
func (f *finder) env(s *Spawn) []string {
	var values []ast.Expr
	switch s.Form {
	case FormCmdLiteral:
		values = append(values, fieldValue(f.info, s.At.(*ast.CompositeLit), "Env"))
	case FormStartProcess, FormForkExec:
		if attr := f.literalOf(s.At.(*ast.CallExpr).Args[2], s.Func); attr != nil {
			values = append(values, fieldValue(f.info, attr, "Env"))
		}
	}
	if s.Cmd != nil {
		values = append(values, f.fieldAssigns(s.Cmd, "os/exec", "Cmd", "Env")...)
	}
	var out []string
	for _, e := range values {
		if e == nil {
			continue
		}
		out = append(out, f.strings(e, s.Func, 1)...)
	}
	return out
}

// strings returns the constant strings inside e, following local
// variables of fn depth steps to the values they are given.
func (f *finder) strings(e ast.Expr, fn *ast.FuncDecl, depth int) []string {
	var out []string
	ast.Inspect(e, func(n ast.Node) bool {
		x, ok := n.(ast.Expr)
		if !ok {
			return true
		}
		if s, ok := constString(f.info, x); ok {
			out = append(out, s)
			return false
		}
		if v, ok := objectOf(f.info, x).(*types.Var); ok && depth > 0 && fn != nil && f.isLocal(v, fn) {
			if as, ok := f.assignments(v); ok {
				for _, a := range as {
					if a.tuple < 0 {
						out = append(out, f.strings(a.rhs, fn, depth-1)...)
					}
				}
			}
		}
		return true
	})
	return out
}

// fieldAssigns returns the values assigned to field name of the struct
// path.typ held by v, as in cmd.Env = value.
func (f *finder) fieldAssigns(v *types.Var, path, typ, name string) []ast.Expr {
	var out []ast.Expr
	f.inspect(v, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, lhs := range as.Lhs {
			sel := selectorOf(lhs)
			if sel != nil && refersTo(f.info, sel.X, v) && isField(objectOf(f.info, sel), path, typ, name) {
				out = append(out, as.Rhs[i])
			}
		}
		return true
	})
	return out
}

// literalOf returns the struct literal e is, or the one literal the local
// variable e is given, or nil.
func (f *finder) literalOf(e ast.Expr, fn *ast.FuncDecl) *ast.CompositeLit {
	if lit := compositeLit(e); lit != nil {
		return lit
	}
	v, ok := objectOf(f.info, e).(*types.Var)
	if !ok || fn == nil || !f.isLocal(v, fn) {
		return nil
	}
	as, ok := f.assignments(v)
	if !ok || len(as) != 1 || as[0].tuple >= 0 {
		return nil
	}
	return compositeLit(as[0].rhs)
}

// moduleBinary sets Program and Binary when s starts a binary built from
// a main package of the module, as Options.MainPackage decides:
//
//	exec.Command("./bin/worker", ...)                          a relative path
//	exec.Command(filepath.Join(filepath.Dir(exe), "worker"))   beside this binary
//	exec.Command("go", "run", "./cmd/worker", ...)             go run of a package
//
// A bare name such as "worker" is looked up in PATH, and an absolute path
// names an installed program: both are taken for other programs.
func (f *finder) moduleBinary(s *Spawn, fn *ast.FuncDecl) {
	if f.opts.MainPackage == nil || s.Name == nil {
		return
	}
	ref, desc, rest, ok := f.goRun(s)
	if !ok {
		ref, desc, ok = f.binaryRef(s.Name, fn, 1)
		rest = s.Args
	}
	if !ok {
		return
	}
	if p := f.opts.MainPackage(ref); p != "" {
		s.Program, s.Binary, s.Args = p, desc, rest
	}
}

// goRun matches go run ./dir args..., returning the arguments after the
// package.
func (f *finder) goRun(s *Spawn) (ref BinaryRef, desc string, rest []ast.Expr, ok bool) {
	if prog, _ := constString(f.info, s.Name); prog != "go" || s.Form == FormStartProcess || s.Form == FormForkExec {
		return ref, "", nil, false
	}
	args := f.constArgs(s)
	if len(args) < 2 || args[0] != "run" {
		return ref, "", nil, false
	}
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case goFlagsWithValue[a]:
			i++ // -tags x: skip the value
		case strings.HasPrefix(a, "-"):
		case strings.HasPrefix(a, "./") || a == ".":
			dir := path.Clean(a)
			if dir == "." {
				dir = ""
			}
			return BinaryRef{Name: path.Base(path.Clean("/" + dir)), Dir: dir}, "go run " + a, s.Args[i+1:], dir != ""
		default:
			return ref, "", nil, false // a file list or an import path
		}
	}
	return ref, "", nil, false
}

// goFlagsWithValue are the build flags of go run that take their value as
// the next argument.
var goFlagsWithValue = map[string]bool{
	"-C": true, "-p": true, "-tags": true, "-ldflags": true, "-gcflags": true,
	"-asmflags": true, "-mod": true, "-modfile": true, "-o": true, "-exec": true,
	"-overlay": true, "-pgo": true, "-buildmode": true, "-toolexec": true,
}

// binaryRef matches the program of a start that names a binary by a
// relative path or beside the running binary, following a local variable
// given one such value depth steps.
func (f *finder) binaryRef(e ast.Expr, fn *ast.FuncDecl, depth int) (BinaryRef, string, bool) {
	if p, ok := constString(f.info, e); ok {
		if !strings.Contains(p, "/") || path.IsAbs(p) || p == selfProc {
			return BinaryRef{}, "", false // looked up in PATH, or installed
		}
		return BinaryRef{Name: path.Base(p)}, p, true
	}
	if call, ok := ast.Unparen(e).(*ast.CallExpr); ok {
		return f.joinRef(call, fn)
	}
	v, ok := objectOf(f.info, e).(*types.Var)
	if !ok || depth == 0 || fn == nil || !f.isLocal(v, fn) {
		return BinaryRef{}, "", false
	}
	as, ok := f.assignments(v)
	if !ok || len(as) != 1 || as[0].tuple >= 0 {
		return BinaryRef{}, "", false
	}
	return f.binaryRef(as[0].rhs, fn, depth-1)
}

// joinRef matches filepath.Join(filepath.Dir(exe), "worker"), with exe
// the running binary, or a Join of constants only.
func (f *finder) joinRef(call *ast.CallExpr, fn *ast.FuncDecl) (BinaryRef, string, bool) {
	obj := callee(f.info, call)
	if !isPkgFunc(obj, "path/filepath", "Join") && !isPkgFunc(obj, "path", "Join") || len(call.Args) == 0 || call.Ellipsis.IsValid() {
		return BinaryRef{}, "", false
	}
	var parts []string
	for _, a := range call.Args[1:] {
		p, ok := constString(f.info, a)
		if !ok {
			return BinaryRef{}, "", false
		}
		parts = append(parts, p)
	}
	name := path.Base(path.Join(parts...))
	if dir, ok := ast.Unparen(call.Args[0]).(*ast.CallExpr); ok && len(dir.Args) == 1 {
		d := callee(f.info, dir)
		if (isPkgFunc(d, "path/filepath", "Dir") || isPkgFunc(d, "path", "Dir")) && f.selfExt(dir.Args[0], fn) != "" {
			if len(parts) == 0 || strings.Contains(path.Join(parts...), "..") {
				return BinaryRef{}, "", false
			}
			return BinaryRef{Name: name}, name + " beside this binary", true
		}
	}
	first, ok := constString(f.info, call.Args[0])
	if !ok {
		return BinaryRef{}, "", false
	}
	p := path.Join(append([]string{first}, parts...)...)
	if path.IsAbs(p) || !strings.Contains(p, "/") {
		return BinaryRef{}, "", false
	}
	return BinaryRef{Name: path.Base(p)}, p, true
}
