package suite_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"
)

// A stateful variable is a package-level variable of an analyzer package
// that one pass could change and another see.
type stateful struct {
	v   *types.Var
	why string // "is written at f.go:12", "is exported", ...
}

func (s stateful) String() string { return s.v.Name() + " " + s.why }

// declaresAnalyzer reports whether pkg declares Analyzer as a variable of
// type *golang.org/x/tools/go/analysis.Analyzer.
func declaresAnalyzer(pkg *types.Package) bool {
	if pkg == nil {
		return false
	}
	v, ok := pkg.Scope().Lookup("Analyzer").(*types.Var)
	if !ok {
		return false
	}
	ptr, ok := types.Unalias(v.Type()).(*types.Pointer)
	if !ok {
		return false
	}
	named, ok := types.Unalias(ptr.Elem()).(*types.Named)
	if !ok {
		return false
	}
	obj := named.Obj()
	return obj.Pkg() != nil && obj.Pkg().Path() == "golang.org/x/tools/go/analysis" && obj.Name() == "Analyzer"
}

// globalState returns, in source order, the package-level variables of pkg
// other than Analyzer and //go:embed strings that hold state: those the
// package writes after initialization, lets out where it could be written
// (its address, a map or slice passed or returned), or exports to other
// packages. What remains is the immutable lookup table STYLE.md allows:
// initialized once, then only read.
func globalState(pkg *packages.Package) []stateful {
	// Collect the candidates.
	var (
		order []*types.Var
		why   = make(map[*types.Var]string)
	)
	for _, f := range pkg.Syntax {
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.VAR {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				embedded := hasEmbed(vs.Doc) || len(gen.Specs) == 1 && hasEmbed(gen.Doc)
				for _, id := range vs.Names {
					v, _ := pkg.TypesInfo.Defs[id].(*types.Var)
					switch {
					case v == nil || id.Name == "_": // holds nothing
					case id.Name == "Analyzer":
					case embedded && types.Identical(v.Type(), types.Typ[types.String]):
					case v.Exported():
						order = append(order, v)
						why[v] = "is exported, so other packages can change it"
					case isChan(v.Type()):
						order = append(order, v)
						why[v] = "is a channel, whose every receive changes it"
					default:
						order = append(order, v)
						why[v] = ""
					}
				}
			}
		}
	}

	// Find the first use of each that writes it or lets it out.
	for _, f := range pkg.Syntax {
		var stack []ast.Node
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return false
			}
			stack = append(stack, n)
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			v, ok := pkg.TypesInfo.Uses[id].(*types.Var)
			if !ok {
				return true
			}
			if w, ok := why[v]; ok && w == "" {
				if use := mutableUse(pkg.TypesInfo, stack); use != "" {
					why[v] = fmt.Sprintf("%s at %s", use, pkg.Fset.Position(id.Pos()))
				}
			}
			return true
		})
	}

	var out []stateful
	for _, v := range order {
		if why[v] != "" {
			out = append(out, stateful{v, why[v]})
		}
	}
	return out
}

// mutableUse says how the identifier on top of stack, a use of a
// package-level variable, could change it: "is written", "has its address
// taken", "lets out a reference"; or "" for a read.
func mutableUse(info *types.Info, stack []ast.Node) string {
	// Climb from the variable to the whole expression that reads from it:
	// t, t[k], t[k].f, *t, t[i:j].
	i := len(stack) - 1
	e := stack[i].(ast.Expr)
	for ; i > 0; i-- {
		switch p := stack[i-1].(type) {
		case *ast.ParenExpr, *ast.StarExpr, *ast.TypeAssertExpr:
		case *ast.IndexExpr:
			if p.X != e {
				return "" // used as an index: its value is only compared
			}
		case *ast.SliceExpr:
			if p.X != e {
				return ""
			}
		case *ast.SelectorExpr:
			if sel := info.Selections[p]; sel == nil || sel.Kind() != types.FieldVal {
				return "has a method called" // a pointer receiver may change it
			}
		default:
			return useIn(info, p, e)
		}
		e = stack[i-1].(ast.Expr)
	}
	return ""
}

// useIn says how expression e, read from a package-level variable, is used
// by its parent p; see mutableUse.
func useIn(info *types.Info, p ast.Node, e ast.Expr) string {
	leaks := func() string {
		if !valueOnly(info.TypeOf(e)) {
			return "lets out a reference to it"
		}
		return "" // a copy, which cannot change the variable
	}
	switch p := p.(type) {
	case *ast.AssignStmt:
		for _, lhs := range p.Lhs {
			if lhs == e {
				return "is written"
			}
		}
		return leaks()
	case *ast.IncDecStmt:
		return "is written"
	case *ast.UnaryExpr:
		if p.Op == token.AND {
			return "has its address taken"
		}
	case *ast.RangeStmt:
		if p.Key == e || p.Value == e {
			return "is written"
		}
		if !isBlank(p.Value) && !valueOnly(elemOf(info.TypeOf(e))) {
			return "lets out a reference to it"
		}
	case *ast.CallExpr:
		if p.Fun == e {
			return "" // calling a function from a table
		}
		if b, ok := info.Uses[calleeIdent(p.Fun)].(*types.Builtin); ok {
			switch b.Name() {
			case "len", "cap", "print", "println":
				return ""
			case "delete", "clear", "append":
				return "is written"
			case "copy":
				if p.Args[0] == e {
					return "is written"
				}
				return ""
			}
		}
		return leaks()
	case *ast.ReturnStmt, *ast.CompositeLit, *ast.KeyValueExpr, *ast.SendStmt,
		*ast.ValueSpec, *ast.GoStmt, *ast.DeferStmt:
		return leaks()
	}
	return "" // compared, switched on, printed: read
}

// valueOnly reports whether a value of type t holds no reference through
// which a copy could change the original.
func valueOnly(t types.Type) bool {
	if tuple, ok := t.(*types.Tuple); ok { // v, ok := m[k]
		for v := range tuple.Variables() {
			if !valueOnly(v.Type()) {
				return false
			}
		}
		return true
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Kind() != types.UnsafePointer
	case *types.Array:
		return valueOnly(u.Elem())
	case *types.Struct:
		for f := range u.Fields() {
			if !valueOnly(f.Type()) {
				return false
			}
		}
		return true
	}
	return false
}

// elemOf returns the type of the values a range over t yields.
func elemOf(t types.Type) types.Type {
	switch u := t.Underlying().(type) {
	case *types.Map:
		return u.Elem()
	case *types.Slice:
		return u.Elem()
	case *types.Array:
		return u.Elem()
	case *types.Pointer:
		return elemOf(u.Elem())
	}
	return types.Typ[types.Int] // strings, integers, channels: copies
}

// isChan reports whether t is a channel type.
func isChan(t types.Type) bool {
	_, ok := t.Underlying().(*types.Chan)
	return ok
}

// calleeIdent returns the identifier a call's function is named by, or
// nil.
func calleeIdent(fun ast.Expr) *ast.Ident {
	id, _ := ast.Unparen(fun).(*ast.Ident)
	return id
}

// isBlank reports whether e is absent or the blank identifier.
func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return e == nil || ok && id.Name == "_"
}

// hasEmbed reports whether doc holds a //go:embed directive.
func hasEmbed(doc *ast.CommentGroup) bool {
	if doc == nil {
		return false
	}
	for _, c := range doc.List {
		if strings.HasPrefix(c.Text, "//go:embed ") {
			return true
		}
	}
	return false
}

// names returns the names of the variables in s.
func names(s []stateful) []string {
	out := make([]string, len(s))
	for i, g := range s {
		out[i] = g.v.Name()
	}
	return out
}

// namesAnalyzer reports whether one of files declares a package-level
// variable named Analyzer.
func namesAnalyzer(files []string) (bool, error) {
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return false, err
		}
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.VAR {
				continue
			}
			for _, spec := range gen.Specs {
				for _, id := range spec.(*ast.ValueSpec).Names {
					if id.Name == "Analyzer" {
						return true, nil
					}
				}
			}
		}
	}
	return false, nil
}

// wrapsRun reports whether pkg declares Analyzer as a composite literal
// whose Run field is nolint.Run(...).
func wrapsRun(pkg *packages.Package) bool {
	for _, f := range pkg.Syntax {
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.VAR {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if id.Name == "Analyzer" && i < len(vs.Values) {
						return runIsWrapped(pkg.TypesInfo, vs.Values[i])
					}
				}
			}
		}
	}
	return false
}

// runIsWrapped reports whether e, &analysis.Analyzer{...}, sets Run to a
// call of nolint.Run.
func runIsWrapped(info *types.Info, e ast.Expr) bool {
	if u, ok := ast.Unparen(e).(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = u.X
	}
	lit, ok := ast.Unparen(e).(*ast.CompositeLit)
	if !ok {
		return false
	}
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if key, _ := kv.Key.(*ast.Ident); !ok || key == nil || key.Name != "Run" {
			continue
		}
		call, ok := ast.Unparen(kv.Value).(*ast.CallExpr)
		if !ok {
			return false
		}
		fn, ok := typeutil.Callee(info, call).(*types.Func)
		return ok && fn.Pkg() != nil && fn.Name() == "Run" &&
			fn.Pkg().Path() == "github.com/procmigrate/procmigrate/analyzers/internal/nolint"
	}
	return false
}
