package workers

import (
	"go/ast"
	"go/token"
	"go/types"
)

// finder holds what Find derives once for a package: the declaration of
// every function and the variable each call result or composite literal
// is assigned to.
type finder struct {
	files    []*ast.File
	info     *types.Info
	pkg      *types.Package
	opts     Options
	decls    map[*types.Func]*ast.FuncDecl
	assigned map[*ast.CallExpr]*types.Var
	literals map[*ast.CompositeLit]*types.Var // T{...} or &T{...} assigned to a variable
	calls    *Calls                           // built on first use by callGraph
	assigns  map[*types.Var]assignResult      // what assignments found, by variable
	cgoFiles []*ast.File                      // the files cgo wrote of its own (see isCgoFile)
	osArgs   bool                             // the package refers to os.Args
	getenv   bool                             // the package refers to os.Getenv
	startFn  bool                             // the package refers to os.StartProcess or syscall.ForkExec
}

// Options tells FindWith what one package does not show. The zero value,
// which Find uses, looks no further than the package.
type Options struct {
	// InModule reports whether the package of an import path belongs to
	// the module of the package analysed. When set, a role's serving
	// function is looked for in those packages too (Dispatch.Entry).
	InModule func(path string) bool

	// MainPackage returns the import path of the main package of the
	// module whose binary ref names, or "" if none does. When nil, a
	// program other than the running binary is an external one.
	MainPackage func(ref BinaryRef) string

	// Isolation returns why a function of another package, run by a
	// child's role, makes the child keep its process, worded as
	// Spawn.Boundary ("drops privileges with unix.Setuid in jail.drop"),
	// or "". Analyzers answer it from facts.
	Isolation func(fn *types.Func) string
}

// BinaryRef is how a start names a program that may be built from a main
// package of the module.
type BinaryRef struct {
	Name string // the binary's name: "worker" for "./bin/worker"
	Dir  string // for go run, the package's directory as written, cleaned: "cmd/worker"; "" otherwise
}

// Find returns the workers of a type-checked package: the spawn sites that
// re-execute the running binary, the os.Args dispatches on the child
// side, and the pipes and codecs that connect them. info must have Types,
// Defs, Uses and Selections filled.
//
// Find never fails: code it does not understand is left out of the
// model. It does not modify files.
func Find(files []*ast.File, info *types.Info, pkg *types.Package) *Model {
	return FindWith(files, info, pkg, Options{})
}

// FindWith is Find with what the package does not show given in opts. It
// changes only Starts, Roles and the fields that describe them: Spawns
// and Dispatches are the same whatever opts says.
func FindWith(files []*ast.File, info *types.Info, pkg *types.Package, opts Options) *Model {
	f := &finder{
		files:    files,
		info:     info,
		pkg:      pkg,
		opts:     opts,
		decls:    make(map[*types.Func]*ast.FuncDecl),
		assigned: make(map[*ast.CallExpr]*types.Var),
		literals: make(map[*ast.CompositeLit]*types.Var),
	}
	m := new(Model)
	f.scanUses()
	canStart, canDispatch := f.canStart(), f.canDispatch()
	if !canStart && !canDispatch {
		// Most packages that import os, test variants above all, neither
		// start a process nor choose a role: their model is empty, and
		// walking their code for it would cost more than all the
		// analyzers' work on the packages that do.
		return m
	}
	f.index()

	if f.osArgs {
		m.Dispatches = f.dispatches()
	}
	if importsExec(pkg) {
		m.Spawns = f.spawns()
	}
	for _, s := range m.Spawns {
		s.Dispatch = link(s, m.Dispatches)
	}

	// Describe every start and role, the ones above included.
	if canDispatch {
		m.Roles = f.roles(m.Dispatches)
	}
	if canStart {
		m.Starts = f.starts(m)
	}
	for _, s := range m.Starts {
		f.classify(s, m.Roles)
	}
	return m
}

// link returns the dispatch of the role of s, which os/exec passes to the
// child as os.Args[1]. When several functions dispatch the role, as main
// and a TestMain can, the one in main wins: it is what the binary runs.
//
// TODO(procmigrate): a role under a subcommand, spawned as
// exec.Command(exe, "worker", "agent") and dispatched on os.Args[2], is
// not linked.
func link(s *Spawn, ds []*Dispatch) *Dispatch {
	var found *Dispatch
	for _, d := range ds {
		if s.Role == "" || d.Role != s.Role || d.Arg != 1 {
			continue
		}
		if d.Func.Name.Name == "main" && d.Func.Recv == nil {
			return d
		}
		if found == nil {
			found = d
		}
	}
	return found
}

// importsExec reports whether pkg imports os/exec.
func importsExec(pkg *types.Package) bool { return imports(pkg, "os/exec") }

// imports reports whether pkg imports the package path directly.
func imports(pkg *types.Package, path string) bool {
	for _, imp := range pkg.Imports() {
		if imp.Path() == path {
			return true
		}
	}
	return false
}

// scanUses records which of the objects a start or a role needs the
// package refers to, in one pass over its uses.
func (f *finder) scanUses() {
	for _, obj := range f.info.Uses {
		switch {
		case isPkgVar(obj, "os", "Args"):
			f.osArgs = true
		case isPkgFunc(obj, "os", "Getenv"):
			f.getenv = true
		case isPkgFunc(obj, "os", "StartProcess"), isPkgFunc(obj, "syscall", "ForkExec"):
			f.startFn = true
		}
	}
}

// canStart reports whether the package may hold one of the starts that
// starts matches: a call of os/exec, os.StartProcess, syscall.ForkExec or
// a re-exec helper, or an exec.Cmd literal.
//
// TODO(procmigrate): an exec.Cmd literal written through another
// package's alias of the type, in a package that imports neither os/exec
// nor a re-exec helper, is not looked for.
func (f *finder) canStart() bool {
	return importsExec(f.pkg) || f.startFn || importsReexec(f.pkg)
}

// canDispatch reports whether the package may choose a role the ways
// roles knows: on os.Args, a flag, os.Getenv, a cobra subcommand or a
// re-exec registry.
func (f *finder) canDispatch() bool {
	return f.osArgs || f.getenv || imports(f.pkg, "flag") || imports(f.pkg, cobraPath) || importsReexec(f.pkg)
}

// index fills f.decls, f.assigned, f.literals and f.cgoFiles.
func (f *finder) index() {
	for _, file := range f.files {
		if isCgoFile(file) {
			f.cgoFiles = append(f.cgoFiles, file)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if fn, ok := f.info.Defs[n.Name].(*types.Func); ok {
					f.decls[fn] = n
				}
			case *ast.AssignStmt:
				if n.Tok == token.ASSIGN || n.Tok == token.DEFINE {
					f.indexAssign(n.Lhs, n.Rhs)
				}
			case *ast.ValueSpec:
				f.indexAssign(identExprs(n.Names), n.Values)
			}
			return true
		})
	}
}

// indexAssign records the variable each call on the right is assigned to.
// For x, err := call() the variable is x.
func (f *finder) indexAssign(lhs, rhs []ast.Expr) {
	for i, r := range rhs {
		if len(lhs) != len(rhs) && i > 0 {
			continue // a malformed tuple assignment
		}
		v, ok := objectOf(f.info, lhs[i]).(*types.Var)
		if !ok {
			continue
		}
		if lit := compositeLit(r); lit != nil {
			f.literals[lit] = v
		}
		if call, ok := ast.Unparen(r).(*ast.CallExpr); ok {
			f.assigned[call] = v
		}
	}
}

// funcAt returns the function declaration enclosing pos, or nil at
// package level.
func (f *finder) funcAt(pos token.Pos) *ast.FuncDecl {
	for _, file := range f.files {
		if pos < file.FileStart || pos > file.FileEnd {
			continue
		}
		for _, decl := range file.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Pos() <= pos && pos < fn.End() {
				return fn
			}
		}
	}
	return nil
}

// eachCall calls visit for every call in the package in source order,
// with the enclosing function declaration (nil at package level).
func (f *finder) eachCall(visit func(call *ast.CallExpr, fn *ast.FuncDecl)) {
	for _, file := range f.files {
		for _, decl := range file.Decls {
			fn, _ := decl.(*ast.FuncDecl)
			ast.Inspect(decl, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok {
					visit(call, fn)
				}
				return true
			})
		}
	}
}
