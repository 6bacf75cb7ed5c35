package pipeipc

import (
	"go/ast"
	"go/constant"
	"strconv"

	"go/types"

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
	var order []string
	for _, root := range roots {
		ast.Inspect(root, func(n ast.Node) bool {
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
	return out
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
