package rewrite

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"

	"github.com/dave/dst"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// privateVar is a package variable that worker code mutates and that the
// rewrite makes private to each run of the worker's serving function:
//
//	var tally = map[string]int{}          func serveAgent(...) error {
//	func serveAgent(...) error {      =>      var tally = map[string]int{}
//		... handle(t) ...                      ... handle(tally, t) ...
//	}                                      }
//	func handle(t task) {                  func handle(tally map[string]int, t task) {
//		tally[t.Kind]++                        tally[t.Kind]++
//	}                                      }
//
// Each worker process had its own copy of the variable, made when the
// process started; as goroutines they would share one. Declaring it in the
// serving function and handing it down to the functions that use it keeps
// one copy per worker, provided the serving function runs exactly once per
// worker (see onceAWorker). When it may run more often, as when the branch
// calls it in a loop, twice, or also through another function, a local of
// it would start again at each call; the variable is then declared at the
// top of the role's branch, which runs once per worker and which the
// role's function copies, and handed by pointer to every function on the
// way, the serving function included:
//
//	var hits int                        if os.Args[1] == "w" {
//	func bump() int { hits++; ... }  =>     var hits int
//	if os.Args[1] == "w" {                  for ... { bump(&hits) }
//		for ... { bump() }              }
//	}                                   func bump(hits *int) int { *hits++; ... }
//
// Maps, pointers and channels are handed down as they are; other types by
// pointer, with uses written *v, parenthesized where the expression needs
// it.
//
// It applies only when nothing but worker code uses the variable and the
// functions it is handed to are called only from worker code, and when its
// initializer does nothing but build a value.
type privateVar struct {
	obj     *types.Var
	decl    *ast.GenDecl  // the package-level declaration, with one spec
	root    *ast.FuncDecl // the serving function, nil when branch holds it
	branch  *workers.Dispatch
	path    []*ast.FuncDecl // functions that get a parameter, root excluded
	pointer bool            // handed down as *T
}

// atRoot reports whether n is in the code that declares the variable: the
// serving function or the role's branch.
func (v *privateVar) atRoot(x *pkgIndex, n ast.Node) bool {
	if v.branch != nil {
		return inBranch(v.branch, n)
	}
	return x.enclosingFunc(n) == v.root
}

// note says where the variable now lives, for the site's summary.
func (v *privateVar) note(d *workers.Dispatch, role string) string {
	if v.branch != nil {
		return fmt.Sprintf("package variable %s is now declared in the branch for role %q and handed down, private to each %s worker as it was to each process",
			v.obj.Name(), role, role)
	}
	return fmt.Sprintf("package variable %s is now private to each run of %s, as it was to each %s process", v.obj.Name(), d.Serve.Name(), role)
}

// onceAWorker returns why root, the serving function of d, may not run
// exactly once for each worker, or "" when it does at most once: the
// branch calls it on its straight path, outside any loop, function literal
// or go statement, with no goto that could run the call again, the branch
// itself runs at most once, and nothing else names root: not another
// role, the parent, a goroutine, a function value or root itself. Tests
// may call it.
func onceAWorker(x *pkgIndex, d *workers.Dispatch, root *ast.FuncDecl) string {
	fn := x.info.Defs[root.Name]
	uses := x.uses[fn]
	if d.ServeCall == nil {
		// A function value the role runs: the registry or command calls it
		// once for the process.
		if len(uses) == 1 && d.Node.Pos() <= uses[0].Pos() && uses[0].Pos() < d.Node.End() {
			return ""
		}
		return "is named in more than one place"
	}
	for _, id := range uses {
		// A test that calls the serving function directly stands in for
		// a worker process of its own: it gets a fresh copy per call, as
		// a test that started the binary would have.
		if x.isTestFile(id) {
			continue
		}
		if workers.RefIdent(d.ServeCall.Fun) != id {
			return fmt.Sprintf("is also named at %s", x.pos(id.Pos()))
		}
	}
	for n := x.parent[d.ServeCall]; n != nil && n != d.Node; n = x.parent[n] {
		if why := repeats(n); why != "" {
			return fmt.Sprintf("is called at %s %s", x.pos(d.ServeCall.Pos()), why)
		}
	}
	if why := branchRepeats(x, d); why != "" {
		return why
	}
	for _, st := range d.Body {
		found := false
		ast.Inspect(st, func(n ast.Node) bool {
			if b, ok := n.(*ast.BranchStmt); ok && b.Tok == token.GOTO {
				found = true
			}
			return !found
		})
		if found {
			return "is called in a branch with a goto, which may run it again"
		}
	}
	return ""
}

// repeats says why code inside n may run more than once, or "".
func repeats(n ast.Node) string {
	switch n.(type) {
	case *ast.ForStmt, *ast.RangeStmt:
		return "inside a loop"
	case *ast.FuncLit:
		return "inside a function literal"
	case *ast.GoStmt:
		return "in a go statement"
	}
	return ""
}

// branchRepeats returns why the branch of d may run more than once in a
// process, or "".
func branchRepeats(x *pkgIndex, d *workers.Dispatch) string {
	for n := x.parent[d.Node]; n != nil && n != ast.Node(d.Func); n = x.parent[n] {
		if why := repeats(n); why != "" {
			return fmt.Sprintf("the branch for role %q is %s", d.Role, why)
		}
	}
	return ""
}

// branchHolds returns why the branch of d cannot hold a variable private to
// each worker, or "": it must be a block of statements that runs once per
// process, and the role's function copies it whole.
func branchHolds(x *pkgIndex, d *workers.Dispatch) string {
	const none = "the role has no branch of statements to declare it in"
	if d.Func == nil || len(d.Body) == 0 {
		return none
	}
	switch x.parent[d.Body[0]].(type) {
	case *ast.BlockStmt, *ast.CaseClause:
	default:
		return none
	}
	for n := x.parent[d.Body[0]]; n != nil && n != ast.Node(d.Func); n = x.parent[n] {
		if why := repeats(n); why != "" {
			return fmt.Sprintf("the branch for role %q is %s", d.Role, why)
		}
	}
	return branchRepeats(x, d)
}

// declares returns an identifier of fd, its signature included, that
// declares name, or nil.
func declares(x *pkgIndex, fd *ast.FuncDecl, name string) *ast.Ident {
	var found *ast.Ident
	ast.Inspect(fd, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id != fd.Name && id.Name == name && x.info.Defs[id] != nil {
			found = id
		}
		return found == nil
	})
	return found
}

// shadows reports whether the branch of d declares name itself.
func shadows(x *pkgIndex, d *workers.Dispatch, name string) bool {
	found := false
	for _, st := range d.Body {
		ast.Inspect(st, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == name && x.info.Defs[id] != nil {
				found = true
			}
			return !found
		})
	}
	return found
}

// planPrivate finds the package variables that worker code mutates and
// plans to privatize each, or to share it made safe for goroutines when it
// is a cache or cannot be private; it returns why it can do neither when
// it cannot.
func planPrivate(x *pkgIndex, d *workers.Dispatch, reach []*ast.FuncDecl) ([]*privateVar, []*sharedVar, string) {
	inReach := map[*ast.FuncDecl]bool{}
	for _, fd := range reach {
		inReach[fd] = true
	}

	// Find the mutated variables and the functions that use each.
	users := map[*types.Var][]*ast.FuncDecl{}
	var order []*types.Var
	for _, fd := range reach {
		for v := range mutatedVars(x, fd.Body) {
			if _, seen := users[v]; !seen {
				order = append(order, v)
				users[v] = nil
			}
		}
	}
	for _, st := range d.Body {
		var first *ast.Ident
		for _, id := range mutatedVars(x, st) {
			if first == nil || id.Pos() < first.Pos() {
				first = id
			}
		}
		if first != nil {
			return nil, nil, fmt.Sprintf("the branch for role %q itself changes package variable %s at %s", d.Role, first.Name, x.pos(first.Pos()))
		}
	}
	if len(order) == 0 {
		return nil, nil, ""
	}
	sort.Slice(order, func(i, j int) bool { return order[i].Pos() < order[j].Pos() })

	root := x.decls[d.Serve]
	if d.Serve == nil || root == nil {
		return nil, nil, fmt.Sprintf("worker code changes package variable %s and the role's serving function was not found", order[0].Name())
	}
	// The state goes into the serving function only when that runs once
	// per worker; otherwise into the role's branch, which does.
	var branch *workers.Dispatch
	if why := onceAWorker(x, d, root); why != "" {
		if bwhy := branchHolds(x, d); bwhy != "" {
			return nil, nil, fmt.Sprintf("worker code changes package variable %s; %s %s, and %s", order[0].Name(), d.Serve.Name(), why, bwhy)
		}
		root, branch = nil, d
	}
	var (
		out    []*privateVar
		shared []*sharedVar
	)
	for _, v := range order {
		// A cache is shared rather than copied; what cannot be private
		// is shared and made safe if it can be; see sharedVar.
		if sv := planCache(x, d, v); sv != nil {
			shared = append(shared, sv)
			continue
		}
		pv, why := planVar(x, v, root, branch, reach)
		// TODO(procmigrate): when v cannot be private because the parent
		// or another role also runs the functions that change it, it is
		// shared behind a lock, and the parent and every worker see each
		// other's changes where each process had its own copy; the note
		// says so, but output can differ (privatize_called_by_parent).
		if why != "" {
			sv, why := planShared(x, d, v, why)
			if why != "" {
				return nil, nil, why
			}
			shared = append(shared, sv)
			continue
		}
		out = append(out, pv)
	}
	return out, shared, ""
}

// planVar plans the privatization of v into root, or into the branch of
// the dispatch branch when root is nil.
func planVar(x *pkgIndex, v *types.Var, root *ast.FuncDecl, branch *workers.Dispatch, reach []*ast.FuncDecl) (*privateVar, string) {
	name := v.Name()
	decl := x.varDecl[v]
	if decl == nil || len(decl.Specs) != 1 || len(decl.Specs[0].(*ast.ValueSpec).Names) != 1 || x.isTestFile(decl) {
		return nil, fmt.Sprintf("worker code changes package variable %s, which is not declared on its own", name)
	}
	if spec := decl.Specs[0].(*ast.ValueSpec); len(spec.Values) == 1 && !buildsValue(x, spec.Values[0]) {
		return nil, fmt.Sprintf("worker code changes package variable %s, whose initializer does more than build a value", name)
	}

	if x.isGenerated(decl) {
		return nil, fmt.Sprintf("worker code changes package variable %s, which is declared in a generated file", name)
	}
	if v.Exported() && x.pkg.Name != "main" {
		return nil, fmt.Sprintf("worker code changes package variable %s, which other packages may use", name)
	}
	if !canWriteType(v.Type(), x.pkg.Types) {
		return nil, fmt.Sprintf("worker code changes package variable %s, whose type %s cannot be written as a parameter", name, v.Type())
	}

	// Every use must be in a function that worker code runs.
	refs := map[*ast.FuncDecl]bool{}
	for _, id := range x.uses[v] {
		if branch != nil && inBranch(branch, id) {
			if shadows(x, branch, name) {
				return nil, fmt.Sprintf("worker code changes package variable %s, and the branch for role %q declares another %s", name, branch.Role, name)
			}
			continue // the branch holds the variable
		}
		fd := x.enclosingFunc(id)
		if fd == nil || !contains(reach, fd) && fd != root {
			return nil, fmt.Sprintf("worker code changes package variable %s, which is also used at %s outside worker code", name, x.pos(id.Pos()))
		}
		refs[fd] = true
	}
	if branch != nil && shadows(x, branch, name) {
		return nil, fmt.Sprintf("worker code changes package variable %s, and the branch for role %q declares another %s", name, branch.Role, name)
	}

	// The functions between root and the uses get a parameter; each must be
	// called only, and only from functions that have the variable.
	path := pathTo(x, root, reach, refs)
	inPath := map[*ast.FuncDecl]bool{}
	holders := path
	if root != nil {
		inPath[root] = true
		holders = append([]*ast.FuncDecl{root}, path...)
	}
	for _, fd := range path {
		inPath[fd] = true
	}
	for _, fd := range holders {
		if id := declares(x, fd, name); id != nil {
			// The variable, declared or handed down under its name, would
			// be hidden there, or stand beside another of that name.
			return nil, fmt.Sprintf("worker code changes package variable %s through %s, which declares another %s at %s", name, fd.Name.Name, name, x.pos(id.Pos()))
		}
		if x.isGenerated(fd) {
			return nil, fmt.Sprintf("worker code changes package variable %s through %s, which is in a generated file", name, fd.Name.Name)
		}
	}
	for _, fd := range path {
		switch {
		case fd.Recv != nil:
			// A new parameter would change the method's signature and
			// with it the interfaces its type satisfies.
			return nil, fmt.Sprintf("worker code changes package variable %s through the method %s", name, fd.Name.Name)
		case fd.Name.IsExported() && x.pkg.Name != "main":
			return nil, fmt.Sprintf("worker code changes package variable %s through %s, which other packages may call", name, fd.Name.Name)
		}
	}
	for _, fd := range path {
		for _, id := range x.uses[x.info.Defs[fd.Name]] {
			call, ok := x.parent[id].(*ast.CallExpr)
			if sel, isSel := x.parent[id].(*ast.SelectorExpr); isSel && sel.Sel == id {
				call, ok = x.parent[sel].(*ast.CallExpr)
			}
			if !ok || workers.RefIdent(call.Fun) != id {
				return nil, fmt.Sprintf("worker code changes package variable %s through %s, which is used as a value at %s", name, fd.Name.Name, x.pos(id.Pos()))
			}
			if branch != nil && inBranch(branch, id) {
				continue // the branch passes its own copy
			}
			if caller := x.enclosingFunc(id); caller == nil || !inPath[caller] {
				return nil, fmt.Sprintf("worker code changes package variable %s through %s, which is also called at %s", name, fd.Name.Name, x.pos(id.Pos()))
			}
		}
	}

	for _, n := range append([]string{name}, funcNames(path)...) {
		if file, ok := x.otherBuilds()[n]; ok {
			return nil, fmt.Sprintf("worker code changes package variable %s, and %s names %s but is built only for other platforms or tags", name, file, n)
		}
	}

	pointer := true
	switch v.Type().Underlying().(type) {
	case *types.Map, *types.Pointer, *types.Chan:
		pointer = assignedIn(x, v, path)
	}
	return &privateVar{obj: v, decl: decl, root: root, branch: branch, path: path, pointer: pointer}, ""
}

// pathTo returns the functions of reach, other than root, from which a
// function in refs can be reached; root's own uses need no parameter.
func pathTo(x *pkgIndex, root *ast.FuncDecl, reach []*ast.FuncDecl, refs map[*ast.FuncDecl]bool) []*ast.FuncDecl {
	leads := map[*ast.FuncDecl]bool{}
	for fd := range refs {
		leads[fd] = true
	}
	for changed := true; changed; {
		changed = false
		for _, fd := range reach {
			if leads[fd] {
				continue
			}
			for _, c := range x.callees(fd.Body) {
				if leads[c] {
					leads[fd] = true
					changed = true
					break
				}
			}
		}
	}
	var out []*ast.FuncDecl
	for _, fd := range reach {
		if leads[fd] && fd != root {
			out = append(out, fd)
		}
	}
	return out
}

func funcNames(fds []*ast.FuncDecl) []string {
	names := make([]string, len(fds))
	for i, fd := range fds {
		names[i] = fd.Name.Name
	}
	return names
}

func contains(fds []*ast.FuncDecl, fd *ast.FuncDecl) bool {
	for _, f := range fds {
		if f == fd {
			return true
		}
	}
	return false
}

// assignedIn reports whether any of fds assigns v itself or takes its
// address, which a copy handed down by value would not see.
func assignedIn(x *pkgIndex, v *types.Var, fds []*ast.FuncDecl) bool {
	for _, fd := range fds {
		found := false
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok || x.info.Uses[id] != v {
				return !found
			}
			switch p := x.parent[id].(type) {
			case *ast.AssignStmt:
				for _, l := range p.Lhs {
					found = found || l == ast.Expr(id)
				}
			case *ast.UnaryExpr:
				found = found || p.Op == token.AND
			case *ast.IncDecStmt:
				found = true
			case *ast.RangeStmt:
				found = found || p.Key == ast.Expr(id) || p.Value == ast.Expr(id)
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// parentSetRead returns a package variable that worker code reads and
// that code outside the worker sets: the parent, an init-free function the
// worker does not run, a test, or flag parsing. A child process started
// with the variable's initial value; a goroutine would see whatever the
// parent made of it. It returns the worker's read and the parent's write.
// The variables in shared are left out: the rewrite shares them on
// purpose and says so.
//
// TODO(procmigrate): writes through pointers and through functions of
// other packages are not seen, nor writes in main before the dispatch,
// which the child ran too and which are counted here as the parent's.
func parentSetRead(x *pkgIndex, d *workers.Dispatch, reach []*ast.FuncDecl, shared []*sharedVar) (read, write *ast.Ident) {
	skip := map[*types.Var]bool{}
	for _, sv := range shared {
		skip[sv.obj] = true
	}
	if v := roleFlagVar(x, d); v != nil {
		skip[v] = true // its reads in the branch become the role's value
	}
	inReach := map[*ast.FuncDecl]bool{}
	for _, fd := range reach {
		inReach[fd] = true
	}
	reads := map[*types.Var]*ast.Ident{}
	collect := func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if v, ok := x.isPkgVar(x.info.Uses[id]); ok && !isSyncType(v.Type()) && !skip[v] && reads[v] == nil {
					reads[v] = id
				}
			}
			return true
		})
	}
	for _, fd := range reach {
		collect(fd.Body)
	}
	for _, st := range d.Body {
		collect(st)
	}

	var writes []*ast.Ident
	for _, f := range x.files {
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.FuncDecl:
				if decl.Body == nil || inReach[decl] {
					continue
				}
				if decl.Recv == nil && decl.Name.Name == "init" {
					// init ran in the child too, but a flag it registers
					// is set by the parent's flag parsing.
					writes = append(writes, flagTargets(x, decl.Body, reads)...)
					continue
				}
				for v, id := range mutatedVars(x, decl.Body) {
					if reads[v] != nil && !inBranch(d, id) {
						writes = append(writes, id)
					}
				}
			case *ast.GenDecl:
				for _, spec := range decl.Specs {
					vs, ok := spec.(*ast.ValueSpec)
					if !ok || !callsFlag(x, vs) {
						continue
					}
					for _, name := range vs.Names {
						if v, ok := x.info.Defs[name].(*types.Var); ok && reads[v] != nil {
							writes = append(writes, name)
						}
					}
				}
			}
		}
	}
	if len(writes) == 0 {
		return nil, nil
	}
	sort.Slice(writes, func(i, j int) bool { return writes[i].Pos() < writes[j].Pos() })
	v := x.info.Uses[writes[0]]
	if v == nil {
		v = x.info.Defs[writes[0]]
	}
	return reads[v.(*types.Var)], writes[0]
}

func inBranch(d *workers.Dispatch, n ast.Node) bool {
	return d.Node.Pos() <= n.Pos() && n.Pos() < d.Node.End()
}

// flagTargets returns the variables in reads that n hands to a function of
// package flag, as flag.IntVar(&v, ...) does.
func flagTargets(x *pkgIndex, n ast.Node, reads map[*types.Var]*ast.Ident) []*ast.Ident {
	var out []*ast.Ident
	ast.Inspect(n, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		id := workers.RefIdent(call.Fun)
		if id == nil {
			return true
		}
		if fn, ok := x.info.Uses[id].(*types.Func); !ok || fn.Pkg() == nil || fn.Pkg().Path() != "flag" {
			return true
		}
		for _, arg := range call.Args {
			ast.Inspect(arg, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					if v, ok := x.isPkgVar(x.info.Uses[id]); ok && reads[v] != nil {
						out = append(out, id)
					}
				}
				return true
			})
		}
		return true
	})
	return out
}

// callsFlag reports whether a package variable's initializer calls the flag
// package, as flag.String does: flag parsing in the parent sets it.
func callsFlag(x *pkgIndex, vs *ast.ValueSpec) bool {
	found := false
	for _, val := range vs.Values {
		ast.Inspect(val, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if id := workers.RefIdent(call.Fun); id != nil {
					if fn, ok := x.info.Uses[id].(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() == "flag" {
						found = true
					}
				}
			}
			return !found
		})
	}
	return found
}

// buildsValue reports whether e only builds a value: literals, composite
// literals, make, new and conversions, which can run at any time with the
// same result.
func buildsValue(x *pkgIndex, e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			ok = false
		case *ast.CallExpr:
			if tv, found := x.info.Types[n.Fun]; found && tv.IsType() {
				return true // a conversion
			}
			if id := workers.RefIdent(n.Fun); id != nil {
				if b, isB := x.info.Uses[id].(*types.Builtin); isB && (b.Name() == "make" || b.Name() == "new") {
					return true
				}
			}
			ok = false
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				ok = false
			}
		case *ast.Ident:
			if obj, isVar := x.info.Uses[n].(*types.Var); isVar && obj.Parent() == obj.Pkg().Scope() {
				ok = false // reads other package state
			}
		}
		return ok
	})
	return ok
}

// mutatedVars returns the package variables of this package that n changes:
// assigns, increments, takes the address of, stores into as a map, slice
// or field, deletes from, hands to a call or stores elsewhere as a
// reference, or calls a method on that can change it. A variable of a sync
// or sync/atomic type counts whenever it is used: a sync.Once, a mutex or
// an atomic counter was the process's own as much as the state it guards.
func mutatedVars(x *pkgIndex, n ast.Node) map[*types.Var]*ast.Ident {
	out := map[*types.Var]*ast.Ident{}
	ast.Inspect(n, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		v, ok := x.isPkgVar(x.info.Uses[id])
		if !ok {
			return true
		}
		if out[v] == nil && (isSyncType(v.Type()) || mutates(x, id)) {
			out[v] = id
		}
		return true
	})
	return out
}

// mutates reports whether the use of a variable at id can change it.
func mutates(x *pkgIndex, id *ast.Ident) bool {
	// Climb to the outermost expression that still denotes part of the
	// variable: v, v[k], v.f, *v, (v).
	var e ast.Expr = id
	for {
		switch p := x.parent[e].(type) {
		case *ast.IndexExpr:
			if p.X == e {
				e = p
				continue
			}
		case *ast.SelectorExpr:
			if p.X == e {
				if sel := x.info.Selections[p]; sel != nil && sel.Kind() == types.MethodVal {
					return methodMutates(x, sel)
				}
				e = p
				continue
			}
		case *ast.SliceExpr:
			if p.X == e {
				e = p
				continue
			}
		case *ast.StarExpr:
			e = p
			continue
		case *ast.ParenExpr:
			e = p
			continue
		}
		break
	}
	switch p := x.parent[e].(type) {
	case *ast.AssignStmt:
		for _, l := range p.Lhs {
			if l == e {
				return true
			}
		}
		return sharesState(x.info.TypeOf(e)) // stored where it can be changed
	case *ast.CompositeLit, *ast.KeyValueExpr, *ast.ReturnStmt, *ast.SendStmt, *ast.ValueSpec:
		return sharesState(x.info.TypeOf(e))
	case *ast.IncDecStmt:
		return true
	case *ast.RangeStmt:
		return p.Key == e || p.Value == e
	case *ast.UnaryExpr:
		return p.Op == token.AND
	case *ast.CallExpr:
		if id := workers.RefIdent(p.Fun); id != nil {
			if b, ok := x.info.Uses[id].(*types.Builtin); ok {
				switch b.Name() {
				case "delete", "clear":
					return p.Args[0] == e
				case "len", "cap", "append", "copy", "print", "println", "min", "max", "complex", "real", "imag":
					return b.Name() == "copy" && p.Args[0] == e
				}
			}
		}
		if p.Fun == e {
			return false // calling a func value
		}
		return sharesState(x.info.TypeOf(e))
	}
	return false
}

// methodMutates reports whether calling the method sel can change its
// receiver: a pointer receiver on a type of this package, or any method on
// a type whose concurrent use is not known to be safe.
func methodMutates(x *pkgIndex, sel *types.Selection) bool {
	recv := sel.Recv()
	if isSyncType(recv) {
		return false
	}
	if ptr, ok := recv.(*types.Pointer); ok {
		recv = ptr.Elem()
	}
	if named, ok := recv.(*types.Named); ok {
		if obj := named.Obj(); obj.Pkg() != nil && concurrentSafe[obj.Pkg().Path()+"."+obj.Name()] {
			return false
		}
	}
	_, ptrRecv := sel.Obj().(*types.Func).Signature().Recv().Type().(*types.Pointer)
	return ptrRecv || holdsReference(recv)
}

// holdsReference reports whether a value of type t refers to memory that a
// copy of it shares: a method with a value receiver can change that.
func holdsReference(t types.Type) bool {
	return holdsByValue(t, func(t types.Type, _ string) bool {
		switch t.Underlying().(type) {
		case *types.Struct, *types.Array, *types.Basic:
			return false
		}
		return isReference(t)
	})
}

// concurrentSafe lists types documented as safe for concurrent use, whose
// methods on a shared package variable are not a race.
var concurrentSafe = map[string]bool{
	"log.Logger": true, "log/slog.Logger": true, "regexp.Regexp": true, "text/template.Template": true,
	"html/template.Template": true, "database/sql.DB": true, "net/http.Client": true,
	"net/http.Transport": true, "os.File": true, "expvar.Int": true, "expvar.Map": true,
}

// isSyncType reports whether t is, or points to, a type from sync or
// sync/atomic.
func isSyncType(t types.Type) bool {
	if ptr, ok := t.(*types.Pointer); ok {
		t = ptr.Elem()
	}
	named, ok := t.(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return false
	}
	path := named.Obj().Pkg().Path()
	return path == "sync" || path == "sync/atomic"
}

// sharesState reports whether handing on a value of type t lets the
// receiver change what the variable holds. Errors are the exception among
// references: a sentinel such as errors.New("poisoned") is returned and
// compared, never changed.
func sharesState(t types.Type) bool {
	if t != nil && types.Identical(t, types.Universe.Lookup("error").Type()) {
		return false
	}
	return isReference(t)
}

// isReference reports whether a value of type t handed to a function lets
// the function change what the variable holds.
func isReference(t types.Type) bool {
	if t == nil {
		return true
	}
	switch t.Underlying().(type) {
	case *types.Map, *types.Slice, *types.Pointer, *types.Chan, *types.Interface, *types.Signature:
		return true
	}
	return false
}

// declareInBranch puts stmt, a declaration moved out of the package scope,
// in front of the statements of the branch of d, after those moved there
// before; the role's function copies them with the branch.
func (e *editor) declareInBranch(d *workers.Dispatch, stmt dst.Stmt) {
	var list *[]dst.Stmt
	switch n := e.dstOf(e.x.parent[d.Body[0]]).(type) {
	case *dst.BlockStmt:
		list = &n.List
	case *dst.CaseClause:
		list = &n.Body
	default:
		panic(fmt.Sprintf("rewrite: branch of role %q is in a %T", d.Role, n))
	}
	first := e.dstOf(d.Body[0])
	at := -1
	for i, st := range *list {
		if st == first {
			at = i
		}
	}
	if at < 0 {
		panic(fmt.Sprintf("rewrite: branch of role %q is not in its block", d.Role))
	}
	if at > 0 && len(e.inBranch[d]) > 0 {
		(*list)[at-1].Decorations().After = dst.NewLine
	}
	*list = append((*list)[:at:at], append([]dst.Stmt{stmt}, (*list)[at:]...)...)
	e.inBranch[d] = append(e.inBranch[d], stmt)
	e.touch(d.Node)
}

// branchDecls returns copies of the declarations moved into the branch of
// d, for the role's function.
func (e *editor) branchDecls(d *workers.Dispatch) []dst.Stmt {
	var out []dst.Stmt
	for _, st := range e.inBranch[d] {
		out = append(out, dst.Clone(st).(dst.Stmt))
	}
	return out
}
