package pipeipc

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// end is one stream of a started worker as its parent holds it.
type end struct {
	stream string   // "stdin", "stdout", "stderr", "fd 3"
	at     ast.Node // what the report points at
	how    string   // how the parent holds it, after the stream in the message; "" for a pipe method
	fl     *flow    // every expression holding the parent's end
	proto  *protocol
	pipe   *workers.Pipe // the StdinPipe call and the like, nil for other forms
}

// ends returns the streams the parent of s holds, in source order:
//
//	in, _ := cmd.StdinPipe()                  stdin pipe
//	r, w, _ := os.Pipe(); cmd.Stdout = w      stdout, an os.Pipe (the parent holds r)
//	cmd.ExtraFiles = []*os.File{w}            fd 3, an os.Pipe
//	cmd.Stdout = &buf                         stdout, collected in a bytes.Buffer
//	cmd.Stdin = strings.NewReader(req)        stdin, read from a strings.Reader
//	out, _ := cmd.Output()                    stdout, returned by Output
//	out, _ := cmd.CombinedOutput()            stdout and stderr, returned by CombinedOutput
//
// A stream set to the parent's own, to a file or to nil is no channel
// between the two and is left out.
func (c *checker) ends(s *workers.Spawn) []*end {
	var out []*end
	for _, p := range s.Pipes {
		out = append(out, &end{stream: p.Stream, at: p.Call, fl: c.follow([]ast.Expr{p.Call}), pipe: p})
	}
	cmd := c.cmdFlow(s)
	if lit, ok := s.At.(*ast.CompositeLit); ok {
		for _, elt := range lit.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok {
					out = append(out, c.fieldEnds(id.Name, kv.Value)...)
				}
			}
		}
	}
	for _, x := range cmd.exprs {
		if as, ok := c.parent(x).(*ast.SelectorExpr); ok && as.X == c.outer(x) {
			if st, ok := c.parent(as).(*ast.AssignStmt); ok && len(st.Lhs) == len(st.Rhs) {
				for i, l := range st.Lhs {
					if ast.Unparen(l) == as {
						out = append(out, c.fieldEnds(as.Sel.Name, st.Rhs[i])...)
					}
				}
			}
		}
		if call, fn := c.methodCall(x); call != nil && (isMethodOf(fn, "os/exec", "Cmd", "Output") || isMethodOf(fn, "os/exec", "Cmd", "CombinedOutput")) {
			stream := "stdout"
			if fn.Name() == "CombinedOutput" {
				stream = "stdout and stderr" // one buffer holds both
			}
			out = append(out, &end{stream: stream, at: call, how: "returned by " + fn.Name(), fl: c.follow([]ast.Expr{call})})
		}
	}
	for _, e := range out {
		if e.proto == nil {
			e.proto = c.describe(e.fl)
		}
	}
	return out
}

// cmdFlow returns the flow of the command of s: its variable, or the
// exec.Command call or literal itself.
func (c *checker) cmdFlow(s *workers.Spawn) *flow {
	var seeds []ast.Expr
	if e, ok := s.At.(ast.Expr); ok {
		seeds = append(seeds, e)
		if u, ok := c.parent(e).(*ast.UnaryExpr); ok && u.Op == token.AND {
			seeds = append(seeds, u)
		}
	}
	if s.Cmd != nil {
		return c.follow(seeds, s.Cmd)
	}
	return c.follow(seeds)
}

// fieldEnds returns the ends of a field of exec.Cmd given value v.
func (c *checker) fieldEnds(field string, v ast.Expr) []*end {
	switch field {
	case "Stdin", "Stdout", "Stderr":
		if e := c.valueEnd(v); e != nil {
			e.stream = map[string]string{"Stdin": "stdin", "Stdout": "stdout", "Stderr": "stderr"}[field]
			return []*end{e}
		}
	case "ExtraFiles":
		lit, ok := ast.Unparen(v).(*ast.CompositeLit)
		if !ok {
			return nil
		}
		var out []*end
		for i, elt := range lit.Elts {
			if e := c.valueEnd(elt); e != nil {
				e.stream = fmt.Sprintf("fd %d", 3+i)
				e.how += fmt.Sprintf(" passed as ExtraFiles[%d]", i)
				out = append(out, e)
			}
		}
		return out
	}
	return nil
}

// valueEnd returns the parent's end of a value given to a stream of the
// child: the other end of an os.Pipe, a bytes.Buffer, a reader.
func (c *checker) valueEnd(v ast.Expr) *end {
	x := ast.Unparen(v)
	if u, ok := x.(*ast.UnaryExpr); ok && u.Op == token.AND {
		x = ast.Unparen(u.X)
	}
	if isNamed(typeOf(c.info, x), "bytes", "Buffer") {
		if o := c.objectOf(x); o != nil {
			return &end{at: v, how: "collected in a bytes.Buffer", fl: c.follow(nil, o)}
		}
		return nil
	}
	if call, ok := x.(*ast.CallExpr); ok {
		fn := c.callee(call)
		for _, r := range [][2]string{{"strings", "NewReader"}, {"bytes", "NewReader"}, {"bytes", "NewBuffer"}, {"bytes", "NewBufferString"}} {
			if isFunc(fn, r[0], r[1]) && len(call.Args) == 1 {
				e := &end{at: v, how: "read from a " + types.TypeString(typeOf(c.info, call), nil), fl: c.follow(nil)}
				e.fl.exprs = nil
				if t, _ := c.marshaled(call.Args[0]); t != nil {
					e.proto = &protocol{steps: []step{{pos: call.Pos(), noun: c.typesNoun([]types.Type{t}), verbed: "encoded", codec: "json.Marshal"}}}
				}
				return e
			}
		}
		return nil
	}
	if other := c.otherPipeEnd(x); other != nil {
		return &end{at: v, how: "an os.Pipe", fl: c.follow(nil, other)}
	}
	return nil
}

// otherPipeEnd returns the variable holding the other end of the os.Pipe
// whose end e is: w for r in r, w, err := os.Pipe(), and r for w.
func (c *checker) otherPipeEnd(e ast.Expr) types.Object {
	v, ok := c.objectOf(e).(*types.Var)
	if !ok {
		return nil
	}
	var other types.Object
	for _, f := range c.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || other != nil || len(as.Lhs) != 3 || len(as.Rhs) != 1 {
				return other == nil
			}
			call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
			if !ok || !isFunc(c.callee(call), "os", "Pipe") {
				return true
			}
			r, w := c.objectOf(as.Lhs[0]), c.objectOf(as.Lhs[1])
			switch types.Object(v) {
			case r:
				other = w
			case w:
				other = r
			}
			return other == nil
		})
	}
	return other
}

// subject names end e of the worker s starts, as the message begins:
// `stdout pipe of worker "agent"`, `fd 3 of worker "agent" (ExtraFiles[0]), an os.Pipe,`.
func subject(e *end, worker string) string {
	if e.how == "" {
		return fmt.Sprintf("%s pipe of %s", e.stream, worker)
	}
	return fmt.Sprintf("%s of %s, %s,", e.stream, worker, e.how)
}

// workerName names the worker s starts: `worker "agent"`, or
// "a worker with a non-constant role".
func workerName(s *workers.Spawn) string {
	if d := s.Child; d != nil && d.Via != workers.ViaArgs {
		role := d.Role
		if role == "" || role == "true" {
			role = d.Key
		}
		return fmt.Sprintf("worker %q", role)
	}
	if s.Role != "" {
		return fmt.Sprintf("worker %q", s.Role)
	}
	return "a worker with a non-constant role"
}
