package rewrite

import (
	"fmt"
	"go/ast"
	"go/types"
	"sort"
	"strings"

	"github.com/dave/dst"
)

// cmdRetype is the change of the package's declared *exec.Cmd types that
// goes with converting its spawns, for programs that keep the command
// beyond the function that starts it:
//
//	type worker struct {                  type worker struct {
//		cmd *exec.Cmd                =>       cmd *inprocCmd
//		enc *json.Encoder                     enc *json.Encoder
//	}                                     }
//	var current *exec.Cmd            =>   var current *inprocCmd
//	ready chan *exec.Cmd             =>   ready chan *inprocCmd
//
// Every *exec.Cmd written in the package's files changes, struct fields,
// variables, parameters and results, channel and slice elements alike,
// and only when every command the package makes is one the rewrite
// converts: then each such declaration can only ever have held a worker's
// command, and the type check of the whole package proves that each use
// still fits, since *inprocCmd has the methods and fields of *exec.Cmd
// that such code uses and no others.
//
// Declarations the package's importers or its tests can see are not
// changed: that would change the package's API, or break a test that
// fills them with a real command.
//
// TODO(procmigrate): follow where each command flows, so that a package
// that also keeps an external program's command in a declared *exec.Cmd
// can still retype the declarations that hold only workers.
type cmdRetype struct {
	slots []*ast.StarExpr // the *exec.Cmd type expressions to change
	why   string          // why there are none although the package has some
}

// planRetype finds the *exec.Cmd type expressions of the package that
// change when the spawns of plans are converted.
func planRetype(x *pkgIndex, plans []*sitePlan) cmdRetype {
	converted := map[ast.Node]bool{}
	for _, p := range plans {
		converted[p.spawn.Call] = true
	}
	var (
		slots   []*ast.StarExpr
		holders = map[types.Object]bool{} // objects declared with a slot in their type
		other   ast.Node                  // a command the rewrite does not convert
		value   ast.Node                  // an exec.Cmd held by value
		assert  ast.Node                  // a type assertion or switch on *exec.Cmd
		api     string                    // a slot in the package's API
		gen     ast.Node                  // a slot in a generated file
	)

	// Find the slots and what rules them out.
	for _, f := range x.files {
		if x.isTestFile(f) {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if isCmdValue(x, n) && !converted[n] && other == nil {
					other = n
				}
			case *ast.CompositeLit:
				if isCmdValue(x, n) && !converted[n] && other == nil {
					other = n
				}
			case *ast.TypeAssertExpr:
				if n.Type != nil && isCmdPointer(x, n.Type) && assert == nil {
					assert = n
				}
			case *ast.CaseClause:
				for _, e := range n.List {
					if isCmdPointer(x, e) && assert == nil {
						assert = e
					}
				}
			case *ast.StarExpr:
				if isCmdPointer(x, n) {
					slots = append(slots, n)
					if x.isGenerated(n) && gen == nil {
						gen = n
					}
					if why := x.inAPI(n); why != "" && api == "" {
						api = why
					}
					for _, obj := range x.declaredWith(n) {
						holders[obj] = true
					}
					return false
				}
			case *ast.SelectorExpr, *ast.Ident:
				if isCmdType(x, n.(ast.Expr)) && value == nil {
					if _, isStar := x.parent[n].(*ast.StarExpr); !isStar {
						value = n
					}
				}
			}
			return true
		})
	}
	if len(slots) == 0 {
		return cmdRetype{}
	}

	// Say why they cannot change.
	why := ""
	switch {
	case other != nil:
		why = fmt.Sprintf("the package also makes a command at %s that stays a process", x.pos(other.Pos()))
	case value != nil:
		why = fmt.Sprintf("the package holds an exec.Cmd by value at %s", x.pos(value.Pos()))
	case assert != nil:
		why = fmt.Sprintf("the package asserts a value to *exec.Cmd at %s", x.pos(assert.Pos()))
	case api != "":
		why = api + ", which would change the package's API"
	case gen != nil:
		why = fmt.Sprintf("*exec.Cmd at %s is in a generated file, which the rewrite does not change", x.pos(gen.Pos()))
	default:
		why = otherBuildUse(x, holders)
		if why == "" {
			why = testUse(x, holders)
		}
	}
	if why != "" {
		return cmdRetype{why: why}
	}
	return cmdRetype{slots: slots}
}

// otherBuildUse returns why a file of another build stops the retyping:
// it names exec.Cmd, or a declaration whose type changes, and would no
// longer compile. Names are matched by spelling, as such files are not
// type-checked here.
func otherBuildUse(x *pkgIndex, holders map[types.Object]bool) string {
	other := x.otherBuilds()
	if file, ok := other["Cmd"]; ok {
		return fmt.Sprintf("%s, built only for other platforms or tags, may name exec.Cmd", file)
	}
	objs := make([]types.Object, 0, len(holders))
	for obj := range holders {
		objs = append(objs, obj)
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i].Pos() < objs[j].Pos() })
	for _, obj := range objs {
		if file, ok := other[obj.Name()]; ok {
			return fmt.Sprintf("%s, built only for other platforms or tags, names %s, whose *exec.Cmd would change", file, obj.Name())
		}
	}
	return ""
}

// testUse returns why a test file of the package stops the retyping: it
// names *exec.Cmd, or uses a declaration whose type changes.
func testUse(x *pkgIndex, holders map[types.Object]bool) string {
	why := ""
	for _, f := range x.files {
		if !x.isTestFile(f) {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok || why != "" {
				return why == ""
			}
			obj := x.info.Uses[id]
			switch {
			case obj != nil && holders[obj]:
				why = fmt.Sprintf("the test at %s uses %s, whose *exec.Cmd would change", x.pos(id.Pos()), id.Name)
			case isCmdType(x, id):
				why = fmt.Sprintf("the test at %s names exec.Cmd", x.pos(id.Pos()))
			}
			return true
		})
	}
	return why
}

// isCmdType reports whether e names the type os/exec.Cmd.
func isCmdType(x *pkgIndex, e ast.Expr) bool {
	var id *ast.Ident
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		id = e
	case *ast.SelectorExpr:
		id = e.Sel
	default:
		return false
	}
	tn, ok := x.info.Uses[id].(*types.TypeName)
	return ok && tn.Pkg() != nil && tn.Pkg().Path() == "os/exec" && tn.Name() == "Cmd"
}

// isCmdPointer reports whether e is the type expression *exec.Cmd.
func isCmdPointer(x *pkgIndex, e ast.Expr) bool {
	star, ok := ast.Unparen(e).(*ast.StarExpr)
	return ok && x.info.Types[star].IsType() && isCmdType(x, star.X)
}

// isCmdValue reports whether e makes a command: a call or composite literal
// whose value is an exec.Cmd or a pointer to one, other than a call of a
// function of this package, whose own body makes it.
func isCmdValue(x *pkgIndex, e ast.Expr) bool {
	t := x.info.TypeOf(e)
	if t == nil {
		return false
	}
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	named, ok := types.Unalias(t).(*types.Named)
	if !ok || named.Obj().Pkg() == nil || named.Obj().Pkg().Path() != "os/exec" || named.Obj().Name() != "Cmd" {
		return false
	}
	if call, ok := e.(*ast.CallExpr); ok {
		if tv := x.info.Types[call.Fun]; tv.IsType() {
			return false // a conversion such as (*exec.Cmd)(nil)
		}
		if fn, ok := typeOfCallee(x, call).(*types.Func); ok && fn.Pkg() == x.pkg.Types {
			return false
		}
	}
	return true
}

// typeOfCallee returns the object a call calls, if it names one.
func typeOfCallee(x *pkgIndex, call *ast.CallExpr) types.Object {
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		return x.info.Uses[f]
	case *ast.SelectorExpr:
		return x.info.Uses[f.Sel]
	}
	return nil
}

// declaredWith returns the objects whose declaration holds the type
// expression star: the fields, variables and functions it is part of.
func (x *pkgIndex) declaredWith(star *ast.StarExpr) []types.Object {
	var out []types.Object
	for n := x.parent[star]; n != nil; n = x.parent[n] {
		switch n := n.(type) {
		case *ast.Field:
			for _, name := range n.Names {
				if obj := x.info.Defs[name]; obj != nil {
					out = append(out, obj)
				}
			}
		case *ast.ValueSpec:
			for _, name := range n.Names {
				if obj := x.info.Defs[name]; obj != nil {
					out = append(out, obj)
				}
			}
		case *ast.TypeSpec:
			out = append(out, x.info.Defs[n.Name])
		case *ast.FuncDecl:
			out = append(out, x.info.Defs[n.Name])
			return out
		case *ast.BlockStmt, *ast.FuncLit:
			return out // inside a body, not part of a declaration's type
		}
	}
	return out
}

// inAPI returns how the type expression star is part of what importers of
// a library package see, or "". A main package has no importers.
func (x *pkgIndex) inAPI(star *ast.StarExpr) string {
	if x.pkg.Name == "main" {
		return ""
	}
	var field *ast.Field // the outermost field star is in
	for n := x.parent[star]; n != nil; n = x.parent[n] {
		switch n := n.(type) {
		case *ast.BlockStmt, *ast.FuncLit:
			return ""
		case *ast.Field:
			field = n
		case *ast.TypeSpec:
			if !n.Name.IsExported() {
				return ""
			}
			if _, isStruct := n.Type.(*ast.StructType); isStruct && field != nil {
				for _, name := range field.Names {
					if name.IsExported() {
						return fmt.Sprintf("*exec.Cmd at %s is in field %s of the exported type %s", x.pos(star.Pos()), name.Name, n.Name.Name)
					}
				}
				if len(field.Names) > 0 {
					return ""
				}
			}
			return fmt.Sprintf("*exec.Cmd at %s is in the exported type %s", x.pos(star.Pos()), n.Name.Name)
		case *ast.ValueSpec:
			for _, name := range n.Names {
				if name.IsExported() {
					return fmt.Sprintf("*exec.Cmd at %s is in the type of the exported variable %s", x.pos(star.Pos()), name.Name)
				}
			}
			return ""
		case *ast.FuncDecl:
			if !n.Name.IsExported() || n.Recv != nil && !exportedRecv(n.Recv) {
				return ""
			}
			return fmt.Sprintf("*exec.Cmd at %s is in the signature of the exported %s", x.pos(star.Pos()), n.Name.Name)
		}
	}
	return ""
}

// exportedRecv reports whether a method's receiver type is exported.
func exportedRecv(recv *ast.FieldList) bool {
	if len(recv.List) == 0 {
		return false
	}
	t := recv.List[0].Type
	for {
		switch e := t.(type) {
		case *ast.StarExpr:
			t = e.X
		case *ast.IndexExpr:
			t = e.X
		case *ast.IndexListExpr:
			t = e.X
		case *ast.ParenExpr:
			t = e.X
		case *ast.Ident:
			return e.IsExported()
		default:
			return false
		}
	}
}

// retype changes each slot of r to *inprocCmd.
func (e *editor) retype(r cmdRetype) {
	for _, star := range r.slots {
		ds := e.dstOf(star).(*dst.StarExpr)
		old := ds.X
		id := &dst.Ident{Name: "inprocCmd"}
		id.Decs.NodeDecs = *old.Decorations()
		ds.X = id
		e.touch(star)
	}
}

// retypeHint adds to a type error that mentions the commands why their
// declared types were kept.
func retypeHint(checkErr error, r cmdRetype) error {
	if checkErr == nil || r.why == "" || !strings.Contains(checkErr.Error(), "exec.Cmd") {
		return checkErr
	}
	return fmt.Errorf("%w; the package's declared *exec.Cmd types stay, since %s", checkErr, r.why)
}
