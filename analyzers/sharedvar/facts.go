package sharedvar

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// Accesses is the fact sharedvar exports for an exported function or
// method of a package outside the standard library that reads or writes
// package variables, or memory its receiver or parameters lead to, in its
// body or in the functions it calls. A goroutine in another package that
// calls it is analyzed as if the accesses were at the call.
type Accesses struct {
	List []FactAccess
}

// FactAccess is one access as a fact carries it. Positions and objects do
// not survive the serialization of facts, so both are named by strings.
type FactAccess struct {
	Var    string // a package variable, "example.com/lib.count"; "" for a parameter
	Param  int    // the parameter when Var is "": 0 for the receiver, i for the i-th parameter from 1
	Path   string // the steps from the variable, or from the parameter's value: "*.n"
	Write  bool
	Atomic bool
	RMW    bool
	Locks  []FactLock // held at the access
	At     string     // package path, file name and line: "example.com/lib/lib.go:12"
	Chain  []string   // functions called on the way, the last holding the access
}

// FactLock is a mutex held at an access, named like FactAccess's
// location; an empty Var and Param -1 is one the analysis cannot name.
type FactLock struct {
	Var   string
	Param int
	Path  string
	Read  bool
}

// AFact marks Accesses as a fact.
func (*Accesses) AFact() {}

func (f *Accesses) String() string {
	parts := make([]string, len(f.List))
	for i, x := range f.List {
		what := "read"
		if x.Write {
			what = "write"
		}
		if x.Atomic {
			what = "atomic " + what
		}
		target := x.Var
		if target == "" {
			target = fmt.Sprintf("param%d", x.Param)
		}
		parts[i] = what + " " + target + x.Path
		if len(x.Locks) > 0 {
			parts[i] += " locked"
		}
	}
	return "accesses " + strings.Join(parts, ", ")
}

// maxFactAccesses bounds the accesses one fact carries; the first ones,
// nearest the function, are kept.
const maxFactAccesses = 64

// exportFacts exports an Accesses fact for each exported function and
// method of the package that has accesses a caller can see.
//
// Packages of the standard library export none: their own state is
// behind their own locks, and the few functions that write through their
// arguments are listed in argWriters. Neither does package main, which
// cannot be imported.
func exportFacts(pass *analysis.Pass, a *state) {
	if !exportsFacts(pass) {
		return
	}
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if !ok || !exportable(fn, pass.Pkg) {
				continue
			}
			fr := a.declFrame(fd)
			if fr == nil {
				continue
			}
			if fact := a.toFact(fr, fn); len(fact.List) > 0 {
				pass.ExportObjectFact(fn, fact)
			}
		}
	}
}

// exportsFacts reports whether the pass exports facts: it is not over
// the standard library or a main package.
func exportsFacts(pass *analysis.Pass) bool {
	return !isStd(pass) && pass.Pkg.Name() != "main"
}

// toFact converts the accesses a caller of fn can see.
func (a *state) toFact(fr *frame, fn *types.Func) *Accesses {
	sig := fn.Signature()
	name := func(l loc) (string, int, bool) {
		if isPkgVar(l.root) {
			return l.root.Pkg().Path() + "." + l.root.Name(), 0, true
		}
		if r := sig.Recv(); r != nil && r == l.root {
			return "", 0, true
		}
		for i := range sig.Params().Len() {
			if sig.Params().At(i) == l.root {
				return "", i + 1, true
			}
		}
		return "", 0, false
	}
	fact := &Accesses{}
	for _, x := range fr.accessSummary() {
		v, p, ok := name(x.loc)
		if !ok || v == "" && !strings.HasPrefix(x.loc.path, deref) {
			continue
		}
		fa := FactAccess{
			Var: v, Param: p, Path: x.loc.path,
			Write: x.write, Atomic: x.atomic, RMW: x.rmw,
			At:    x.at,
			Chain: x.chain,
		}
		if fa.At == "" {
			fa.At = a.factWhere(x.pos)
		}
		for _, l := range x.locks {
			fl := FactLock{Param: -1, Read: l.read}
			if l.loc.root != nil {
				if v, p, ok := name(l.loc); ok {
					fl = FactLock{Var: v, Param: p, Path: l.loc.path, Read: l.read}
				}
			}
			fa.Locks = append(fa.Locks, fl)
		}
		fact.List = append(fact.List, fa)
		if len(fact.List) == maxFactAccesses {
			break
		}
	}
	return fact
}

// factWhere names a position for a fact: package path, file name, line.
func (a *state) factWhere(pos token.Pos) string {
	p := a.fset.Position(pos)
	return fmt.Sprintf("%s/%s:%d", a.pkg.Path(), filepath.Base(p.Filename), p.Line)
}

// instantiateFact adds the accesses of fn, a function of another package
// called at c with parameters bound by b, as if they were at the call.
func (w *walker) instantiateFact(fact *Accesses, fn *types.Func, b binding, c *ast.CallExpr) {
	sig := fn.Origin().Signature()
	toLoc := func(v string, p int, path string) (loc, bool) {
		if v != "" {
			ext := w.a.extVar(v)
			return loc{ext, path}, ext != nil
		}
		var param *types.Var
		switch {
		case p == 0 && sig.Recv() != nil:
			param = sig.Recv()
		case p >= 1 && p <= sig.Params().Len():
			param = sig.Params().At(p - 1)
		default:
			return loc{}, false
		}
		x, ok := b[param]
		if !ok || path == "" {
			return loc{}, false
		}
		if x.addr && strings.HasPrefix(path, deref) {
			return loc{x.loc.root, x.loc.path + path[1:]}, true
		}
		if !x.addr && strings.HasPrefix(path, deref) {
			return loc{x.loc.root, x.loc.path + path}, true
		}
		return loc{}, false
	}
	order, anchor := w.pos(c)
	name := funcName(fn, w.a.pkg)
	for _, fa := range fact.List {
		l, ok := toLoc(fa.Var, fa.Param, fa.Path)
		if !ok || !w.a.tracked(l.root) {
			continue
		}
		locks := heldLocks(w.held, fa.Write)
		for _, fl := range fa.Locks {
			ll, ok := toLoc(fl.Var, fl.Param, fl.Path)
			if !ok {
				ll = loc{}
			}
			locks = append(locks, lockRef{loc: ll, read: fl.Read})
		}
		w.push(&access{
			loc: l, write: fa.Write, atomic: fa.Atomic, rmw: fa.RMW,
			locks: locks, order: order, anchor: anchor, seq: w.seq(c.Pos()),
			pos: c.Pos(), end: c.End(),
			chain: append([]string{name}, fa.Chain...), at: fa.At,
		})
	}
}

// extVar returns the package variable a fact names as "path.name": the
// variable itself when its package is among the imports, else a stand-in
// that every fact naming it shares.
func (a *state) extVar(qualified string) *types.Var {
	if v, ok := a.extVars[qualified]; ok {
		return v
	}
	i := strings.LastIndex(qualified, ".")
	pkgPath, name := qualified[:i], qualified[i+1:]
	var v *types.Var
	if p := a.importedPkg(pkgPath); p != nil {
		v, _ = p.Scope().Lookup(name).(*types.Var)
	}
	if v == nil {
		p := types.NewPackage(pkgPath, path.Base(pkgPath))
		v = types.NewVar(token.NoPos, p, name, types.Typ[types.Invalid])
		p.Scope().Insert(v)
	}
	a.extVars[qualified] = v
	return v
}

// importedPkg returns the package with the given path among the
// package's imports and theirs, or nil.
func (a *state) importedPkg(pkgPath string) *types.Package {
	if a.extPkgs == nil {
		a.extPkgs = make(map[string]*types.Package)
		var visit func(p *types.Package)
		visit = func(p *types.Package) {
			if _, ok := a.extPkgs[p.Path()]; ok {
				return
			}
			a.extPkgs[p.Path()] = p
			for _, q := range p.Imports() {
				visit(q)
			}
		}
		visit(a.pkg)
	}
	return a.extPkgs[pkgPath]
}

// exportable reports whether fn can carry a fact another package reads:
// an exported function, or an exported method of a type declared at
// package level.
func exportable(fn *types.Func, pkg *types.Package) bool {
	if !fn.Exported() || fn.Pkg() != pkg {
		return false
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return fn.Parent() == pkg.Scope()
	}
	t := recv.Type()
	if ptr, ok := types.Unalias(t).(*types.Pointer); ok {
		t = ptr.Elem()
	}
	named, ok := types.Unalias(t).(*types.Named)
	return ok && named.Obj().Parent() == pkg.Scope()
}

// isStd reports whether the pass is over a package of the standard
// library: one of no module, or of module std, whose path has no dot in
// its first element.
//
// TODO(procmigrate): in GOPATH mode, where no package has a module, a
// package whose path has no dot, such as "mycorp/lib", is taken for the
// standard library and exports no facts.
func isStd(pass *analysis.Pass) bool {
	if pass.Module != nil && pass.Module.Path != "" && pass.Module.Path != "std" {
		return false
	}
	first, _, _ := strings.Cut(pass.Pkg.Path(), "/")
	return !strings.Contains(first, ".")
}
