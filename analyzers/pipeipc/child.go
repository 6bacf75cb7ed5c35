package pipeipc

import (
	"go/ast"
	"go/constant"
	"go/types"
	"strconv"
	"strings"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// childEnd is one stream of a worker as its own code holds it.
type childEnd struct {
	stream string
	at     ast.Expr // what the report points at
	fn     string   // the function that uses it
	proto  *protocol
}

// childEnds returns the streams the code of the role d uses:
//
//	serve(os.Stdin, os.Stdout)          the parameters of serve that receive them
//	sc := bufio.NewScanner(os.Stdin)    os.Stdin used in the branch or the serving function
//	f := os.NewFile(3, "jobs")          fd 3, from ExtraFiles
//	fmt.Println(answer)                 stdout, written without naming it
//
// os.Stderr used in place is left out: it is where workers log.
func (c *checker) childEnds(d *workers.Dispatch) []*childEnd {
	var out []*childEnd
	args := make(map[ast.Expr]bool)
	if d.Serve != nil && d.ServeCall != nil {
		for _, e := range d.Endpoints {
			arg := d.ServeCall.Args[e.Arg]
			args[arg] = true
			out = append(out, &childEnd{
				stream: e.Stream,
				at:     arg,
				fn:     workers.FuncString(d.Serve, c.pass.Pkg),
				proto:  c.describe(c.follow(nil, e.Param)),
			})
		}
	}

	// Find the streams used in place, grouped by stream in source order.
	var roots []ast.Node
	for _, st := range d.Body {
		roots = append(roots, st)
	}
	if fn := d.Entry; fn != nil && c.decls[fn] != nil && fn.Pkg() == c.pass.Pkg {
		roots = append(roots, c.decls[fn])
	}
	seeds := make(map[string][]ast.Expr)
	var (
		order  []string
		prints []*ast.CallExpr
	)
	for _, root := range roots {
		ast.Inspect(root, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok && c.printsToStdout(call) {
				prints = append(prints, call)
			}
			e, ok := n.(ast.Expr)
			if !ok || args[e] {
				return !args[e]
			}
			stream := c.inPlaceStream(e)
			if stream == "" {
				return true
			}
			if seeds[stream] == nil {
				order = append(order, stream)
			}
			seeds[stream] = append(seeds[stream], e)
			return false
		})
	}
	for _, stream := range order {
		first := seeds[stream][0]
		name := ""
		if fd := c.enclosingFunc(first); fd != nil {
			if fn, ok := c.info.Defs[fd.Name].(*types.Func); ok {
				name = workers.FuncString(fn, c.pass.Pkg)
			}
		}
		out = append(out, &childEnd{stream: stream, at: first, fn: name, proto: c.describe(c.follow(seeds[stream]))})
	}
	return c.addPrints(out, prints)
}

// printsToStdout reports whether call is fmt.Print, Println or Printf,
// which write to os.Stdout without naming it.
func (c *checker) printsToStdout(call *ast.CallExpr) bool {
	fn := c.callee(call)
	for _, name := range []string{"Print", "Println", "Printf"} {
		if isFunc(fn, "fmt", name) {
			return true
		}
	}
	return false
}

// addPrints adds the lines or text that prints write to the stdout end of
// ends, which it adds, pointing at the first print, when the role does not
// use os.Stdout by name.
func (c *checker) addPrints(ends []*childEnd, prints []*ast.CallExpr) []*childEnd {
	if len(prints) == 0 {
		return ends
	}
	var stdout *childEnd
	for _, e := range ends {
		if e.stream == "stdout" {
			stdout = e
		}
	}
	if stdout == nil {
		stdout = &childEnd{stream: "stdout", at: prints[0], proto: new(protocol)}
		if fd := c.enclosingFunc(prints[0]); fd != nil {
			if fn, ok := c.info.Defs[fd.Name].(*types.Func); ok {
				stdout.fn = workers.FuncString(fn, c.pass.Pkg)
			}
		}
		ends = append(ends, stdout)
	}
	for _, call := range prints {
		name := c.callee(call).Name()
		s := step{pos: call.Pos(), noun: "lines", verbed: "written", codec: "fmt." + name}
		if format, ok := constString(c.info, argAt(call.Args, 0)); name == "Print" || name == "Printf" && !(ok && strings.HasSuffix(format, "\n")) {
			s.noun = "text"
		}
		stdout.proto.steps = append(stdout.proto.steps, s)
	}
	return ends
}

// inPlaceStream returns the stream e is: "stdin" for os.Stdin, "stdout"
// for os.Stdout, "fd N" for os.NewFile(N, name) with a constant N of 3
// or more; "" otherwise.
func (c *checker) inPlaceStream(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		v, ok := c.info.Uses[e.Sel].(*types.Var)
		if !ok || v.Pkg() == nil || v.Pkg().Path() != "os" || v.Parent() != v.Pkg().Scope() {
			return ""
		}
		switch v.Name() {
		case "Stdin":
			return "stdin"
		case "Stdout":
			return "stdout"
		}
	case *ast.CallExpr:
		if !isFunc(c.callee(e), "os", "NewFile") || len(e.Args) != 2 {
			return ""
		}
		if tv := c.info.Types[e.Args[0]]; tv.Value != nil {
			if n, ok := constant.Int64Val(constant.ToInt(tv.Value)); ok && n >= 3 {
				return "fd " + strconv.FormatInt(n, 10)
			}
		}
	}
	return ""
}
