package workers

import (
	"go/ast"
	"go/types"
	"strings"
)

// spawns returns the spawn sites of the package in source order.
func (f *finder) spawns() []*Spawn {
	var out []*Spawn
	f.eachCall(func(call *ast.CallExpr, fn *ast.FuncDecl) {
		if s := f.spawn(call, fn); s != nil {
			out = append(out, s)
		}
	})
	return out
}

// spawn matches an os/exec spawn of the running binary:
//
//	cmd := exec.Command(exe, "agent", args...)
//	cmd := exec.CommandContext(ctx, os.Args[0], "agent")
//
// Out of scope on purpose: other programs, and the test helper-process
// idiom, which re-executes the test binary to run one test function.
//
// TODO(procmigrate): &exec.Cmd{Path: exe} literals and a Cmd whose Path
// or Args are changed after exec.Command are not matched, and spawns
// assigned to one variable in turn all get the pipes opened on it.
func (f *finder) spawn(call *ast.CallExpr, fn *ast.FuncDecl) *Spawn {
	var (
		obj  = callee(f.info, call)
		args = call.Args
		ctx  ast.Expr
	)
	switch {
	case isPkgFunc(obj, "os/exec", "Command"):
	case isPkgFunc(obj, "os/exec", "CommandContext"):
		if len(args) < 2 {
			return nil // CommandContext(f()) with a multi-valued f
		}
		ctx, args = args[0], args[1:]
	default:
		return nil
	}
	if len(args) == 0 {
		return nil // Command(f()) with a multi-valued f
	}

	// Check the program is this binary.
	s := &Spawn{
		Call:     call,
		Func:     fn,
		Ctx:      ctx,
		Name:     args[0],
		Args:     args[1:],
		Ellipsis: call.Ellipsis.IsValid(),
		Cmd:      f.assigned[call],
	}
	if s.Self = f.self(s.Name, fn, maxParams, make(varSet)); s.Self == "" {
		return nil
	}
	if f.isHelperProcess(s) {
		return nil
	}

	// Describe the role and the pipes.
	if len(s.Args) > 0 && !(s.Ellipsis && len(s.Args) == 1) {
		s.Role, _ = constString(f.info, s.Args[0])
	}
	s.Pipes = f.pipes(s.Cmd)
	return s
}

// isHelperProcess reports whether s is the test helper-process idiom:
//
//	cmd := exec.Command(os.Args[0], "-test.run=TestHelperProcess", "--")
//	cmd.Env = append(os.Environ(), "GO_WANT_HELPER_PROCESS=1")
//
// Either line is enough. It is matched in any file, since Find sees no
// file names; outside tests the shape is no worker either.
func (f *finder) isHelperProcess(s *Spawn) bool {
	for _, arg := range s.Args {
		if containsString(f.info, arg, isTestFlag) {
			return true
		}
	}
	if s.Cmd == nil {
		return false
	}
	found := false
	f.inspect(s.Cmd, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || found || len(as.Lhs) != len(as.Rhs) {
			return !found
		}
		for i, lhs := range as.Lhs {
			sel := selectorOf(lhs)
			if sel != nil && refersTo(f.info, sel.X, s.Cmd) &&
				isField(objectOf(f.info, sel), "os/exec", "Cmd", "Env") &&
				containsString(f.info, as.Rhs[i], isHelperEnv) {
				found = true
			}
		}
		return !found
	})
	return found
}

func isTestFlag(s string) bool  { return strings.HasPrefix(s, "-test.") }
func isHelperEnv(s string) bool { return strings.Contains(s, "GO_WANT_HELPER_PROCESS") }

// isField reports whether obj is the field name of struct type path.typ.
func isField(obj types.Object, path, typ, name string) bool {
	v, ok := obj.(*types.Var)
	if !ok || !v.IsField() || v.Name() != name || v.Pkg() == nil || v.Pkg().Path() != path {
		return false
	}
	named, ok := v.Pkg().Scope().Lookup(typ).(*types.TypeName)
	if !ok {
		return false
	}
	st, ok := named.Type().Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for i := range st.NumFields() {
		if st.Field(i) == v {
			return true
		}
	}
	return false
}

// pipes returns the pipes opened on cmd, in source order:
//
//	stdin, err := cmd.StdinPipe()
//	stdout, err := cmd.StdoutPipe()
//
// TODO(procmigrate): a pipe end wrapped first (bufio.NewReader(stdout))
// or handed to another function is not followed, so no codec is found
// for it and it reads as raw bytes.
func (f *finder) pipes(cmd *types.Var) []*Pipe {
	if cmd == nil {
		return nil
	}
	var out []*Pipe
	f.inspect(cmd, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel := selectorOf(call.Fun)
		if sel == nil || !refersTo(f.info, sel.X, cmd) {
			return true
		}
		obj := callee(f.info, call)
		for method, stream := range pipeMethods {
			if isMethod(obj, "os/exec", "Cmd", method) {
				p := &Pipe{Stream: stream, Call: call, Var: f.assigned[call]}
				p.Uses = f.uses(p.Var)
				p.Codec = f.codec(p.Var)
				out = append(out, p)
			}
		}
		return true
	})
	return out
}
