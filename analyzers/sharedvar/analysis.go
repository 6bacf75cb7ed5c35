package sharedvar

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"go/version"
	"path/filepath"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// state is the state of one package's analysis: its frames, built on
// demand, and what a first pass over its files found.
type state struct {
	fset  *token.FileSet
	files []*ast.File
	info  *types.Info
	pkg   *types.Package

	decls   map[*types.Func]*ast.FuncDecl
	frames  map[ast.Node]*frame // nil while a frame is being built
	perFile map[*token.File]bool

	entries   []*entry
	entryAt   map[ast.Node]*entry
	entryLits map[*ast.FuncLit]bool

	// What the first pass finds.
	captured    map[*types.Var]bool         // used by a function literal declared inside its scope
	addressed   map[*types.Var]bool         // has &v taken
	closures    map[*types.Var]*ast.FuncLit // variables that only hold one literal and are only called
	closureLits map[*ast.FuncLit]bool
	cmdOut      map[loc][]loc // the buffers an *exec.Cmd writes its output to

	callers map[*types.Func][]*ast.CallExpr // built on first use

	importFact func(*types.Func) (*Accesses, bool) // nil without a pass
	extVars    map[string]*types.Var               // package variables named by facts
	extPkgs    map[string]*types.Package
}

// newAnalysis indexes the function declarations of a package and the Go
// version of each file.
func newAnalysis(fset *token.FileSet, files []*ast.File, info *types.Info, pkg *types.Package) *state {
	a := &state{
		fset: fset, files: files, info: info, pkg: pkg,
		decls:       make(map[*types.Func]*ast.FuncDecl),
		frames:      make(map[ast.Node]*frame),
		perFile:     make(map[*token.File]bool),
		entryAt:     make(map[ast.Node]*entry),
		entryLits:   make(map[*ast.FuncLit]bool),
		captured:    make(map[*types.Var]bool),
		addressed:   make(map[*types.Var]bool),
		closures:    make(map[*types.Var]*ast.FuncLit),
		closureLits: make(map[*ast.FuncLit]bool),
		cmdOut:      make(map[loc][]loc),
		extVars:     make(map[string]*types.Var),
	}
	for _, f := range files {
		a.perFile[fset.File(f.Pos())] = perIteration(info, pkg, f)
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				if fn, ok := info.Defs[fd.Name].(*types.Func); ok {
					a.decls[fn] = fd
				}
			}
		}
	}
	return a
}

// perIteration reports whether loop variables in f are new in every
// iteration: the file's Go version is 1.22 or later. When the version is
// not known they are taken to be, so that no loop variable is reported on
// a guess.
func perIteration(info *types.Info, pkg *types.Package, f *ast.File) bool {
	v := info.FileVersions[f]
	if v == "" && pkg != nil {
		v = pkg.GoVersion()
	}
	return v == "" || version.Compare(v, "go1.22") >= 0
}

// perIter reports whether loop variables are per iteration at pos.
func (a *state) perIter(pos token.Pos) bool {
	per, ok := a.perFile[a.fset.File(pos)]
	return per || !ok
}

// scan is the first pass over the files: which variables function
// literals capture, which have their address taken, which are closures
// called by name, and what buffers commands write to.
func (a *state) scan() {
	defs := make(map[*types.Var]*ast.FuncLit) // v := func() {...}
	called := make(map[*types.Var]int)        // uses as the function of a call
	for _, f := range a.files {
		var lits []*ast.FuncLit
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil {
				return true
			}
			for len(lits) > 0 && lits[len(lits)-1].End() <= n.Pos() {
				lits = lits[:len(lits)-1]
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				lits = append(lits, n)
			case *ast.Ident:
				v, ok := a.info.Uses[n].(*types.Var)
				if ok && len(lits) > 0 && !isPkgVar(v) && !v.IsField() {
					lit := lits[len(lits)-1]
					if v.Pos() < lit.Pos() || v.Pos() >= lit.End() {
						a.captured[v] = true
					}
				}
			case *ast.UnaryExpr:
				if n.Op == token.AND {
					if l, ok := locOf(a.info, n.X); ok {
						a.addressed[l.root] = true
					}
				}
			case *ast.CallExpr:
				if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok {
					if v, ok := a.info.Uses[id].(*types.Var); ok {
						called[v]++
					}
				}
			case *ast.AssignStmt:
				a.scanAssign(n, defs)
			case *ast.ValueSpec:
				for i, id := range n.Names {
					if i < len(n.Values) && len(n.Names) == len(n.Values) {
						if lit, ok := n.Values[i].(*ast.FuncLit); ok {
							if v, ok := a.info.Defs[id].(*types.Var); ok && !isPkgVar(v) {
								defs[v] = lit
							}
						}
					}
				}
			}
			return true
		})
	}

	// A closure is a variable defined once with a literal and only called.
	uses := make(map[*types.Var]int)
	if len(defs) > 0 {
		for _, obj := range a.info.Uses {
			if v, ok := obj.(*types.Var); ok && defs[v] != nil {
				uses[v]++
			}
		}
	}
	for v, lit := range defs {
		if uses[v] == called[v] {
			a.closures[v] = lit
			a.closureLits[lit] = true
		}
	}
}

// scanAssign records closures defined by s and the buffers an *exec.Cmd
// writes its output to: cmd.Stdout = &out.
func (a *state) scanAssign(s *ast.AssignStmt, defs map[*types.Var]*ast.FuncLit) {
	if len(s.Lhs) != len(s.Rhs) {
		return
	}
	for i, lhs := range s.Lhs {
		rhs := s.Rhs[i]
		if lit, ok := rhs.(*ast.FuncLit); ok && s.Tok == token.DEFINE {
			if id, ok := lhs.(*ast.Ident); ok {
				if v, ok := a.info.Defs[id].(*types.Var); ok {
					defs[v] = lit
				}
			}
		}
		sel, ok := lhs.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Stdout" && sel.Sel.Name != "Stderr" {
			continue
		}
		field, ok := a.info.Uses[sel.Sel].(*types.Var)
		if !ok || !field.IsField() || field.Pkg() == nil || field.Pkg().Path() != "os/exec" {
			continue
		}
		cmd, ok := locOf(a.info, sel.X)
		if !ok {
			continue
		}
		if isOSFile(a.info.TypeOf(rhs)) {
			continue // written by the operating system, not by a goroutine
		}
		w := &walker{a: a}
		if out, ok := w.pointee(rhs); ok {
			a.cmdOut[cmd] = append(a.cmdOut[cmd], out)
		}
	}
}

// isOSFile reports whether t is *os.File.
func isOSFile(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		if n, ok := types.Unalias(p.Elem()).(*types.Named); ok {
			return n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "os" && n.Obj().Name() == "File"
		}
	}
	return false
}

// cmdOutputs returns the buffers the command at l writes its output to.
func (a *state) cmdOutputs(l loc) []loc { return a.cmdOut[l] }

// tracked reports whether accesses to v can matter: a local variable of
// a basic type can be shared only when a literal captures it or its
// address is taken.
func (a *state) tracked(v *types.Var) bool {
	if v == nil {
		return false
	}
	if isPkgVar(v) || a.captured[v] || a.addressed[v] {
		return true
	}
	_, basic := v.Type().Underlying().(*types.Basic)
	return !basic
}

// isClosure reports whether lhs is a closure variable defined by lit.
func (a *state) isClosure(lhs ast.Expr, lit *ast.FuncLit) bool {
	id, ok := lhs.(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := a.info.Defs[id].(*types.Var)
	return ok && a.closures[v] == lit
}

// closureOf returns the literal a closure variable named by id holds.
func (a *state) closureOf(id *ast.Ident) *ast.FuncLit {
	v, ok := a.info.Uses[id].(*types.Var)
	if !ok {
		return nil
	}
	return a.closures[v]
}

// declOf returns the declaration with a body of fn in this package.
func (a *state) declOf(fn *types.Func) *ast.FuncDecl {
	d := a.decls[fn.Origin()]
	if d == nil || d.Body == nil {
		return nil
	}
	return d
}

// declFrame returns the frame of a function declaration, or nil while it
// is being built: a recursive call adds nothing.
func (a *state) declFrame(fd *ast.FuncDecl) *frame {
	if f, ok := a.frames[fd]; ok {
		return f
	}
	fn, ok := a.info.Defs[fd.Name].(*types.Func)
	if !ok || fd.Body == nil {
		return nil
	}
	a.frames[fd] = nil
	sig := fn.Signature()
	f := &frame{
		node: fd, name: funcName(fn, a.pkg),
		from: fd.Pos(), to: fd.End(), end: fd.Body.Rbrace,
		decl: true,
	}
	if r := sig.Recv(); r != nil {
		f.params = append(f.params, r)
	}
	for v := range sig.Params().Variables() {
		f.params = append(f.params, v)
	}
	a.walkFunc(f, fd.Body, fd, sig.Results())
	a.frames[fd] = f
	return f
}

// litFrame returns the frame of a function literal run as a goroutine.
func (a *state) litFrame(lit *ast.FuncLit) *frame {
	if f, ok := a.frames[lit]; ok {
		return f
	}
	a.frames[lit] = nil
	f := &frame{
		node: lit, name: "the function literal at " + a.where(lit.Pos()),
		from: lit.Pos(), to: lit.End(), end: lit.Body.Rbrace,
	}
	var results *types.Tuple
	if sig, ok := a.info.TypeOf(lit).(*types.Signature); ok {
		for v := range sig.Params().Variables() {
			f.params = append(f.params, v)
		}
		results = sig.Results()
	}
	a.walkFunc(f, lit.Body, lit, results)
	a.frames[lit] = f
	return f
}

// where names a position as file name and line: main.go:12.
func (a *state) where(pos token.Pos) string {
	p := a.fset.Position(pos)
	return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
}

// funcName names fn as code in pkg would: serve, (*server).run, lib.Hit.
func funcName(fn *types.Func, pkg *types.Package) string {
	return workers.FuncString(fn.Origin(), pkg)
}

// callersOf returns the calls of fn in the package.
func (a *state) callersOf(fn *types.Func) []*ast.CallExpr {
	if a.callers == nil {
		a.callers = make(map[*types.Func][]*ast.CallExpr)
		for _, f := range a.files {
			ast.Inspect(f, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					if callee := typeutil.StaticCallee(a.info, c); callee != nil && callee.Pkg() == a.pkg {
						callee = callee.Origin()
						a.callers[callee] = append(a.callers[callee], c)
					}
				}
				return true
			})
		}
	}
	return a.callers[fn.Origin()]
}

// enclosingFrame returns the frame of the code around pos: the innermost
// function literal that runs as a goroutine, or the function declaration.
func (a *state) enclosingFrame(pos token.Pos) *frame {
	for _, f := range a.files {
		if pos < f.Pos() || pos >= f.End() {
			continue
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || pos < fd.Pos() || pos >= fd.End() {
				continue
			}
			var inner *ast.FuncLit
			ast.Inspect(fd, func(n ast.Node) bool {
				if n == nil || pos < n.Pos() || pos >= n.End() {
					return false
				}
				if lit, ok := n.(*ast.FuncLit); ok && a.entryLits[lit] {
					inner = lit
				}
				return true
			})
			if inner != nil {
				return a.litFrame(inner)
			}
			return a.declFrame(fd)
		}
	}
	return nil
}
