package rewrite

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"go/version"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/procmigrate/procmigrate/analyzers/sharedvar"
	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// pkgIndex holds what every site of one package looks up: declarations by
// object, the file each node is in, and parent links.
type pkgIndex struct {
	pkg     *packages.Package
	fset    *token.FileSet
	info    *types.Info
	decls   map[*types.Func]*ast.FuncDecl
	varDecl map[*types.Var]*ast.GenDecl
	files   []*ast.File
	parent  map[ast.Node]ast.Node
	uses    map[types.Object][]*ast.Ident // in source order
	other   map[string]string             // names in files of other builds, to the file
	calls   *workers.Calls
	shared  []*sharedvar.Shared // what sharedvar finds, once asked for
	cgo     *cgoRead            // how the files of a cgo package were read; nil for others
}

func newPkgIndex(pkg *packages.Package) *pkgIndex {
	x := &pkgIndex{
		pkg:     pkg,
		fset:    pkg.Fset,
		info:    pkg.TypesInfo,
		decls:   map[*types.Func]*ast.FuncDecl{},
		varDecl: map[*types.Var]*ast.GenDecl{},
		files:   pkg.Syntax,
		parent:  map[ast.Node]ast.Node{},
		uses:    map[types.Object][]*ast.Ident{},
		calls:   workers.NewCalls(pkg.Syntax, pkg.TypesInfo),
	}
	for id, obj := range x.info.Uses {
		x.uses[obj] = append(x.uses[obj], id)
	}
	for _, ids := range x.uses {
		sort.Slice(ids, func(i, j int) bool { return ids[i].Pos() < ids[j].Pos() })
	}
	for _, f := range pkg.Syntax {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if fn, ok := x.info.Defs[d.Name].(*types.Func); ok {
					x.decls[fn] = d
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if vs, ok := s.(*ast.ValueSpec); ok {
						for _, name := range vs.Names {
							if v, ok := x.info.Defs[name].(*types.Var); ok {
								x.varDecl[v] = d
							}
						}
					}
				}
			}
		}
		var stack []ast.Node
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return true
			}
			if len(stack) > 0 {
				x.parent[n] = stack[len(stack)-1]
			}
			stack = append(stack, n)
			return true
		})
	}
	return x
}

// pos formats a position relative to the package directory, as the CLI
// prints positions.
func (x *pkgIndex) pos(p token.Pos) string {
	position := x.position(p)
	return fmt.Sprintf("%s:%d:%d", filepath.Base(position.Filename), position.Line, position.Column)
}

// otherBuilds returns the identifiers named in the package's files that
// this build leaves out, such as report_windows.go on Linux, each with the
// first such file. A declaration the rewrite moves or a signature it
// changes must not be named there: it would break that build.
func (x *pkgIndex) otherBuilds() map[string]string {
	if x.other != nil {
		return x.other
	}
	x.other = map[string]string{}
	fset := token.NewFileSet()
	for _, name := range x.pkg.IgnoredFiles {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil || f.Name.Name != x.pkg.Name {
			continue // not this package in any build
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if _, seen := x.other[id.Name]; !seen {
					x.other[id.Name] = filepath.Base(name)
				}
			}
			return true
		})
	}
	return x.other
}

// isGenerated reports whether n is in a file marked as generated, which the
// rewrite never changes: the next generation would undo it.
func (x *pkgIndex) isGenerated(n ast.Node) bool {
	f, _ := fileAt(x, n)
	return f != nil && ast.IsGenerated(f)
}

// dependency names the module pkg belongs to when that is not a module
// being migrated: vendored code, which go mod vendor would restore, or a
// module in the module cache, which is not the user's to change. Packages
// vendored into the standard library count too. A pattern such as all or
// an import path loads them with syntax like any other.
func dependency(pkg *packages.Package) string {
	switch {
	case pkg.Module != nil && !pkg.Module.Main:
		return strings.TrimSpace(pkg.Module.Path + " " + pkg.Module.Version)
	case pkg.Module == nil && (strings.HasPrefix(pkg.PkgPath, "vendor/") || strings.Contains(pkg.PkgPath, "/vendor/")):
		return "vendored package " + pkg.PkgPath
	}
	return ""
}

func (x *pkgIndex) isTestFile(n ast.Node) bool {
	return strings.HasSuffix(x.fset.Position(n.Pos()).Filename, "_test.go")
}

// isPkgVar reports whether obj is a variable declared at package level in
// this package.
func (x *pkgIndex) isPkgVar(obj types.Object) (*types.Var, bool) {
	v, ok := obj.(*types.Var)
	if !ok || v.Pkg() != x.pkg.Types || v.Parent() != x.pkg.Types.Scope() {
		return nil, false
	}
	return v, true
}

// isObj reports whether id refers to the package-level object path.name.
func (x *pkgIndex) isObj(id *ast.Ident, path, name string) bool {
	obj := x.info.Uses[id]
	return obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == path && obj.Name() == name &&
		obj.Parent() == obj.Pkg().Scope()
}

// callees returns the functions of this package that n refers to, as calls
// or as values; either may run as part of n.
func (x *pkgIndex) callees(n ast.Node) []*ast.FuncDecl { return x.calls.Callees(n) }

// reachable returns the function declarations of this package that code in
// roots can run, found through static references.
func (x *pkgIndex) reachable(roots []ast.Node) []*ast.FuncDecl { return x.calls.Reachable(roots) }

// enclosingFunc returns the function declaration containing n.
func (x *pkgIndex) enclosingFunc(n ast.Node) *ast.FuncDecl {
	for p := n; p != nil; p = x.parent[p] {
		if d, ok := p.(*ast.FuncDecl); ok {
			return d
		}
	}
	return nil
}

// sitePlan is what the rewriter decided for one spawn site.
type sitePlan struct {
	spawn    *workers.Spawn
	dispatch *workers.Dispatch
	level    Level
	reason   string
	notes    []string
	typed    []*typedStream // stdin and stdout, at TypedChannels
	private  []*privateVar
	shared   []*sharedVar // shared between the workers, made safe
	proc     *procPlan
	cgo      []*ast.FuncDecl // functions that hold the cgo lock
	extra    *extraFiles     // the worker's ExtraFiles, nil if none
	switched []*ast.FuncDecl // functions whose C calls were switched to reentrant variants
}

// planSite decides how deep the spawn at s can be converted. Each check
// that fails leaves the site unchanged with the reason; typed channels are
// tried last and fall back to in-process pipes.
func planSite(mod *moduleIndex, x *pkgIndex, s *workers.Spawn) *sitePlan {
	p := &sitePlan{spawn: s}
	unchanged := func(format string, args ...any) *sitePlan {
		p.level = Unchanged
		p.reason = fmt.Sprintf(format, args...)
		p.notes = nil // they tell of changes the rewrite no longer makes
		return p
	}

	// Find the child side.
	if s.Func == nil {
		return unchanged("the spawn is not inside a function")
	}
	if x.isTestFile(s.Call) {
		return unchanged("the spawn is in a test file")
	}
	if x.isGenerated(s.Call) {
		return unchanged("the spawn is in a generated file")
	}
	if dep := dependency(x.pkg); dep != "" {
		return unchanged("the spawn is in %s, a dependency, which the rewrite never changes", dep)
	}
	if why := boundary(s); why != "" {
		return unchanged("%s", why)
	}
	if v := x.pkg.Module; v != nil && v.GoVersion != "" && versionLess(v.GoVersion, "1.21") {
		return unchanged("the module's go directive is %s; the in-process runtime needs go 1.21 or later", v.GoVersion)
	}
	if use := exitErrorUse(x); use != nil {
		return unchanged("the package inspects *exec.ExitError at %s, which the error of an in-process worker is not", x.pos(use.Pos()))
	}
	d := s.Dispatch
	if d == nil {
		d = sourceChild(s) // a flag or variable of the environment
	}
	if d == nil && len(s.Args) == 0 {
		return unchanged("the spawn passes no role argument, so the worker's code cannot be found")
	}
	if d == nil && s.Role == "" {
		return unchanged("the role argument is not a constant string, so the worker's code cannot be found")
	}
	if d == nil {
		return unchanged("no dispatch for role %q found in this package", s.Role)
	}
	if x.isTestFile(d.Node) {
		return unchanged("role %q is dispatched only in a test file", s.Role)
	}
	p.dispatch = d
	if why := checkDispatch(x, d); why != "" {
		return unchanged("%s", why)
	}
	if why := checkBranch(x, d); why != "" {
		return unchanged("%s", why)
	}
	if isSourceVia(d) {
		if why := checkSourceReads(x, d); why != "" {
			return unchanged("%s", why)
		}
	}
	if why := x.checkRoleBuilds(s.Func, d.Node); why != "" {
		return unchanged("%s", why)
	}

	// Check that worker code keeps to what is its own.
	reach := x.reachable(stmtNodes(d.Body))
	if why := localRuntimeName(x, s, d, reach); why != "" {
		return unchanged("%s", why)
	}
	proc, why := planProc(x, s, d, reach)
	if why != "" {
		return unchanged("%s", why)
	}
	p.proc = proc
	p.notes = append(p.notes, proc.notes...)
	if use, ok := firstProcessWide(x, d, reach, proc); ok {
		return unchanged("worker code uses %s at %s, which %s", objName(use.obj), x.pos(enclosingSel(x, use.id).Pos()), use.why)
	}
	if why := foreignWorker(mod, x, d, reach); why != "" {
		return unchanged("%s", why)
	}
	if id, use := heldProcessWide(x, d, reach); id != nil {
		return unchanged("worker code uses %s at %s, which holds %s from %s and so %s", id.Name, x.pos(id.Pos()), objName(use.obj), x.pos(enclosingSel(x, use.id).Pos()), use.why)
	}
	vars, shared, why := planPrivate(x, d, reach)
	if why != "" {
		return unchanged("%s", why)
	}
	p.private, p.shared = vars, shared
	if read, write := parentSetRead(x, d, reach, shared); read != nil {
		return unchanged("worker code reads package variable %s at %s, which is set outside worker code at %s; a child process saw its initial value, a goroutine would see the parent's",
			read.Name, x.pos(read.Pos()), x.pos(write.Pos()))
	}
	for _, v := range vars {
		p.notes = append(p.notes, v.note(d, s.Role))
	}
	for _, sv := range shared {
		p.notes = append(p.notes, sv.note(s.Role))
	}

	if importsC(x.files) {
		locked, switched, why := planCgo(x, d, reach)
		if why != "" {
			return unchanged("%s", why)
		}
		p.cgo, p.switched = locked, switched
		for _, fd := range switched {
			for _, sw := range x.switchesIn(fd) {
				title := strings.ToLower(sw.title[:1]) + sw.title[1:]
				p.notes = append(p.notes, fmt.Sprintf("C.%s in %s now calls its reentrant variant and needs no lock, as cgocall's fix does: %s", sw.call, fd.Name.Name, title))
			}
		}
		if len(locked) > 0 {
			p.notes = append(p.notes, fmt.Sprintf("calls into C in %s now hold one package lock, as each %s process ran them alone; this costs parallelism",
				strings.Join(funcNames(locked), ", "), s.Role))
		}
	}

	if g := firstGoStmt(d, reach); g != nil {
		p.notes = append(p.notes, fmt.Sprintf("worker code starts a goroutine at %s: it ended with the %s process, but now runs on after the worker returns unless it stops by itself", x.pos(g.Pos()), s.Role))
	}

	extra, why := planExtraFiles(x, s)
	if why != "" {
		return unchanged("%s", why)
	}
	p.extra = extra

	// Go as deep as the protocol allows.
	p.level = InProcess
	typed, why := planTyped(x, s, d)
	if why != "" {
		p.reason = why
		return p
	}
	p.level = TypedChannels
	p.typed = typed
	return p
}

// boundary returns why the child of s must stay a process, as check says
// it, or "". The boundary comes from the same classification the
// execworker analyzer reports: attributes that isolate the child, or role
// code that does (setuid, chroot, chdir, umask, rlimits, signals,
// namespaces). Attributes that isolate nothing still stop the rewrite: the
// in-process command has no SysProcAttr to set them on.
//
// TODO(procmigrate): drop a SysProcAttr that only sets Setpgid, Foreground
// or a Setsid the parent waits for; a goroutine needs none of them, but the
// statements that set them must go too.
func boundary(s *workers.Spawn) string {
	if s.Kind == workers.StartBoundary {
		return keepReason(s)
	}
	if len(s.Attrs) > 0 {
		return fmt.Sprintf("the spawn sets SysProcAttr.%s, which isolates nothing but has no in-process equivalent; the rewrite does not drop such attributes yet",
			strings.Join(s.Attrs, ", SysProcAttr."))
	}
	return ""
}

// firstGoStmt returns the first go statement in worker code.
func firstGoStmt(d *workers.Dispatch, reach []*ast.FuncDecl) *ast.GoStmt {
	var first *ast.GoStmt
	visit := func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			if g, ok := n.(*ast.GoStmt); ok && (first == nil || g.Pos() < first.Pos()) {
				first = g
			}
			return true
		})
	}
	for _, st := range d.Body {
		visit(st)
	}
	for _, fd := range reach {
		visit(fd.Body)
	}
	return first
}

// exitErrorUse returns a use of os/exec.ExitError in the package's own
// files: code that looks at a child's exit status that way would stop
// seeing it once the worker is a goroutine.
//
// TODO(procmigrate): rewrite errors.As(err, &exitErr) to the runtime's exit
// error, which has the same ExitCode method.
func exitErrorUse(x *pkgIndex) *ast.Ident {
	var first *ast.Ident
	for obj, ids := range x.uses {
		tn, ok := obj.(*types.TypeName)
		if !ok || tn.Pkg() == nil || tn.Pkg().Path() != "os/exec" || tn.Name() != "ExitError" {
			continue
		}
		for _, id := range ids {
			if !x.isTestFile(id) && (first == nil || id.Pos() < first.Pos()) {
				first = id
			}
		}
	}
	return first
}

// versionLess reports whether Go version a (such as "1.20" or "1.22.3") is
// older than b.
func versionLess(a, b string) bool {
	return version.Compare("go"+a, "go"+b) < 0
}

func stmtNodes(stmts []ast.Stmt) []ast.Node {
	out := make([]ast.Node, len(stmts))
	for i, s := range stmts {
		out[i] = s
	}
	return out
}

// objName names a package-level object as its users write it.
func objName(obj types.Object) string {
	if obj.Pkg() == nil {
		return obj.Name()
	}
	return obj.Pkg().Name() + "." + obj.Name()
}

// heldProcessWide returns a package variable that worker code uses and
// whose initializer takes process-wide state, such as
//
//	var logger = log.New(os.Stderr, "", 0)
//
// which writes to the parent's standard error once the worker is a
// goroutine, like the os.Stderr it holds.
func heldProcessWide(x *pkgIndex, d *workers.Dispatch, reach []*ast.FuncDecl) (*ast.Ident, processWideUse) {
	for _, n := range append(stmtNodes(d.Body), funcBodies(reach)...) {
		var found *ast.Ident
		var use processWideUse
		ast.Inspect(n, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok || found != nil {
				return found == nil
			}
			v, ok := x.isPkgVar(x.info.Uses[id])
			if !ok || x.varDecl[v] == nil || isRoleLocal(x, d, v) {
				return true // the role's flag is read as a constant
			}
			for _, spec := range x.varDecl[v].Specs {
				for _, u := range findProcessWide(spec, x.info, nil) {
					found, use = id, u
					return false
				}
			}
			return true
		})
		if found != nil {
			return found, use
		}
	}
	return nil, processWideUse{}
}

// parentSetenv returns a read of the environment in worker code and a
// change of it elsewhere in the package: the child read the environment
// it was started with, a goroutine reads the parent's as it is now.
func parentSetenv(x *pkgIndex, d *workers.Dispatch, reach []*ast.FuncDecl) (get, set *ast.Ident) {
	inReach := map[*ast.FuncDecl]bool{}
	for _, fd := range reach {
		inReach[fd] = true
	}
	for _, n := range append(stmtNodes(d.Body), funcBodies(reach)...) {
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && get == nil {
				for _, name := range []string{"Getenv", "LookupEnv", "Environ", "ExpandEnv"} {
					if x.isObj(id, "os", name) {
						get = id
					}
				}
			}
			return get == nil
		})
	}
	if get == nil {
		return nil, nil
	}
	for _, f := range x.files {
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil || inReach[fd] {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok && set == nil && !inBranch(d, id) {
					for _, name := range []string{"Setenv", "Unsetenv", "Clearenv"} {
						if x.isObj(id, "os", name) {
							set = id
						}
					}
				}
				return set == nil
			})
			if set != nil {
				return get, set
			}
		}
	}
	return nil, nil
}

func funcBodies(fds []*ast.FuncDecl) []ast.Node {
	out := make([]ast.Node, len(fds))
	for i, fd := range fds {
		out[i] = fd.Body
	}
	return out
}

// firstProcessWide returns the first use of process-wide state in worker
// code: the role's branch (less the uses the rewriter replaces) and every
// function it reaches.
func firstProcessWide(x *pkgIndex, d *workers.Dispatch, reach []*ast.FuncDecl, proc *procPlan) (processWideUse, bool) {
	allowed := map[*ast.Ident]bool{}
	for _, u := range append(proc.branch, proc.uses...) {
		allowed[u.id] = true
	}
	for _, st := range d.Body {
		for id := range branchReplacements(x, st) {
			allowed[id] = true
		}
	}
	var uses []processWideUse
	for _, st := range d.Body {
		uses = append(uses, findProcessWide(st, x.info, allowed)...)
	}
	for _, fd := range reach {
		uses = append(uses, findProcessWide(fd.Body, x.info, allowed)...)
	}
	if len(uses) == 0 {
		return processWideUse{}, false
	}
	return uses[0], true
}

// branchReplacements returns the identifiers in a role's branch that the
// rewriter replaces when it moves the branch into a function.
func branchReplacements(x *pkgIndex, n ast.Node) map[*ast.Ident]string {
	return workers.BranchReplaced(x.info, n)
}

// checkBranch returns why a role's branch cannot become a function, or "".
// The branch must end the program's run on every path, by return, os.Exit
// or by being the last thing its function does; it must not defer work
// that os.Exit would skip, nor run under deferred calls of its function,
// nor use the function's locals, and it may not jump.
func checkBranch(x *pkgIndex, d *workers.Dispatch) string {
	if d.Func.Type.Results != nil && len(d.Func.Type.Results.List) > 0 {
		return fmt.Sprintf("the branch for role %q is in %s, whose results, not the branch, decide how the process ends", d.Role, d.Func.Name.Name)
	}
	if len(d.Body) == 0 || !terminates(x, d.Body[len(d.Body)-1]) && !endsFunc(x, d.Node) {
		return fmt.Sprintf("the branch for role %q does not end in return or os.Exit, so it runs on into the rest of %s", d.Role, d.Func.Name.Name)
	}
	if def := deferBefore(d); def != nil {
		return fmt.Sprintf("%s defers a call at %s that runs when the branch for role %q returns, but would not run in-process", d.Func.Name.Name, x.pos(def.Pos()), d.Role)
	}
	if id, v := outerLocal(x, d); id != nil {
		return fmt.Sprintf("the branch for role %q uses %s, a local of %s declared at %s before the branch", d.Role, id.Name, d.Func.Name.Name, x.pos(v.Pos()))
	}
	var why string
	for _, st := range d.Body {
		ast.Inspect(st, func(n ast.Node) bool {
			if why != "" {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				ast.Inspect(n.Body, func(m ast.Node) bool {
					if call, ok := m.(*ast.CallExpr); ok {
						if id := workers.RefIdent(call.Fun); id != nil && x.isObj(id, "os", "Exit") {
							why = fmt.Sprintf("os.Exit at %s is called from a function literal in the branch for role %q", x.pos(call.Pos()), d.Role)
						}
					}
					return why == ""
				})
				return false
			case *ast.DeferStmt:
				why = fmt.Sprintf("the branch for role %q defers a call at %s, which os.Exit skips but a return would run", d.Role, x.pos(n.Pos()))
			case *ast.BranchStmt:
				if n.Tok == token.GOTO || n.Label != nil {
					why = fmt.Sprintf("the branch for role %q jumps at %s", d.Role, x.pos(n.Pos()))
				}
			case *ast.CallExpr:
				if id := workers.RefIdent(n.Fun); id != nil && x.isObj(id, "os", "Exit") {
					if _, ok := x.parent[n].(*ast.ExprStmt); !ok {
						why = fmt.Sprintf("os.Exit at %s is not called as a statement", x.pos(n.Pos()))
					}
				}
			}
			return true
		})
	}
	return why
}

// checkDispatch returns why the role's branch does not run exactly when
// the child is started in the role, or "". The copy in the role function
// runs whenever the worker starts, so the branch must be reached by the
// role test alone: its condition tests nothing but os.Args, and it is
// not nested in other statements, loops or function literals, save the
// else of another role test or the body of a test of os.Args alone.
//
// TODO(procmigrate): statements of main before the dispatch ran in the
// child too; those that only set process-wide state (log.SetFlags) are not
// repeated in the role function.
func checkDispatch(x *pkgIndex, d *workers.Dispatch) string {
	if isSourceVia(d) {
		return checkSourceDispatch(x, d)
	}
	var stmt ast.Node = d.Node
	switch n := d.Node.(type) {
	case *ast.IfStmt:
		if n.Init != nil || !roleCond(x, n.Cond) {
			return fmt.Sprintf("the condition of the branch for role %q at %s tests more than the role", d.Role, x.pos(n.Pos()))
		}
	case *ast.CaseClause:
		sw, ok := x.parent[x.parent[n]].(*ast.SwitchStmt)
		if !ok || sw.Init != nil {
			return fmt.Sprintf("the switch for role %q at %s has an init statement", d.Role, x.pos(n.Pos()))
		}
		for _, e := range n.List {
			if sw.Tag == nil && !roleCond(x, e) {
				return fmt.Sprintf("the case for role %q at %s tests more than the role", d.Role, x.pos(e.Pos()))
			}
		}
		stmt = sw
	}
	for {
		switch p := x.parent[stmt].(type) {
		case *ast.BlockStmt:
			if x.parent[p] == ast.Node(d.Func) {
				return ""
			}
			// if len(os.Args) > 1 { switch os.Args[1] { ... } }
			if guard, ok := x.parent[p].(*ast.IfStmt); ok && guard.Body == p && guard.Init == nil && roleCond(x, guard.Cond) {
				stmt = guard
				continue
			}
		case *ast.IfStmt:
			if p.Else == stmt && p.Init == nil && roleCond(x, p.Cond) {
				stmt = p
				continue
			}
		}
		return fmt.Sprintf("the dispatch for role %q at %s is nested in other statements of %s", d.Role, x.pos(d.Node.Pos()), d.Func.Name.Name)
	}
}

// roleCond reports whether cond tests only the command line: comparisons
// of os.Args[1] (or one local holding it) with constants, and of
// len(os.Args) with constants, joined by && and ||.
func roleCond(x *pkgIndex, cond ast.Expr) bool {
	locals := map[types.Object]bool{}
	var ok func(e ast.Expr) bool
	ok = func(e ast.Expr) bool {
		bin, isBin := ast.Unparen(e).(*ast.BinaryExpr)
		if !isBin {
			return false
		}
		switch bin.Op {
		case token.LAND, token.LOR:
			return ok(bin.X) && ok(bin.Y)
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
		default:
			return false
		}
		for _, pair := range [2][2]ast.Expr{{bin.X, bin.Y}, {bin.Y, bin.X}} {
			if tv := x.info.Types[pair[1]]; tv.Value == nil {
				continue // not compared with a constant
			}
			switch a := ast.Unparen(pair[0]).(type) {
			case *ast.CallExpr: // len(os.Args)
				if id := workers.RefIdent(a.Fun); id != nil && len(a.Args) == 1 {
					if _, isB := x.info.Uses[id].(*types.Builtin); isB && id.Name == "len" && isOSArgs(x, a.Args[0]) {
						return true
					}
				}
			case *ast.IndexExpr: // os.Args[1]
				if isOSArgs(x, a.X) {
					return true
				}
			case *ast.Ident: // role, a local holding os.Args[1]
				if v, isVar := x.info.Uses[a].(*types.Var); isVar && v.Parent() != x.pkg.Types.Scope() {
					locals[v] = true
					return len(locals) == 1
				}
			}
		}
		return false
	}
	return ok(cond)
}

func isOSArgs(x *pkgIndex, e ast.Expr) bool {
	id := workers.RefIdent(e)
	return id != nil && x.isObj(id, "os", "Args")
}

// endsFunc reports whether nothing of its function runs after n: n is the
// last statement of its block, and so is each statement around it up to
// the function body, with no loop in between.
func endsFunc(x *pkgIndex, n ast.Node) bool {
	for {
		p := x.parent[n]
		switch p := p.(type) {
		case *ast.BlockStmt:
			if len(p.List) == 0 || p.List[len(p.List)-1] != n {
				return false
			}
			if _, ok := x.parent[p].(*ast.FuncDecl); ok {
				return true
			}
		case *ast.CaseClause:
			if len(p.Body) == 0 || p.Body[len(p.Body)-1] != n {
				return false
			}
		case *ast.IfStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt:
			// the branch taken is followed by what follows the statement
		default:
			return false
		}
		n = p
	}
}

// deferBefore returns a defer statement of the dispatch's function that can
// run before the branch: its deferred call runs when the branch returns.
func deferBefore(d *workers.Dispatch) *ast.DeferStmt {
	var found *ast.DeferStmt
	ast.Inspect(d.Func.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			if found == nil && n.Pos() < d.Node.Pos() {
				found = n
			}
		}
		return found == nil
	})
	return found
}

// outerLocal returns a use in the branch of a variable that the dispatch's
// function declares outside the branch; a function made from the branch
// would not have it.
func outerLocal(x *pkgIndex, d *workers.Dispatch) (*ast.Ident, *types.Var) {
	var id *ast.Ident
	var v *types.Var
	for _, st := range d.Body {
		ast.Inspect(st, func(n ast.Node) bool {
			ident, ok := n.(*ast.Ident)
			if !ok || id != nil {
				return id == nil
			}
			obj, ok := x.info.Uses[ident].(*types.Var)
			if !ok || obj.Pkg() != x.pkg.Types || obj.Parent() == x.pkg.Types.Scope() || obj.IsField() || isRoleLocal(x, d, obj) {
				return true
			}
			if obj.Pos() >= d.Func.Pos() && obj.Pos() < d.Func.End() && (obj.Pos() < d.Node.Pos() || obj.Pos() >= d.Node.End()) {
				id, v = ident, obj
			}
			return true
		})
	}
	return id, v
}

// terminates reports whether st ends the enclosing function on every path,
// counting os.Exit, in the spirit of the spec's terminating statements.
func terminates(x *pkgIndex, st ast.Stmt) bool {
	switch st := st.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.ExprStmt:
		if call, ok := st.X.(*ast.CallExpr); ok {
			if id := workers.RefIdent(call.Fun); id != nil {
				if x.isObj(id, "os", "Exit") {
					return true
				}
				if b, ok := x.info.Uses[id].(*types.Builtin); ok && b.Name() == "panic" {
					return true
				}
			}
		}
	case *ast.BlockStmt:
		return len(st.List) > 0 && terminates(x, st.List[len(st.List)-1])
	case *ast.IfStmt:
		if st.Else == nil {
			return false
		}
		return terminates(x, st.Body) && terminates(x, st.Else)
	}
	return false
}
