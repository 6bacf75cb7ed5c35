package rewrite

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// moduleIndex finds the declarations of functions in the other packages of
// the module that were loaded with their syntax, so that worker code can be
// followed out of the package that spawns it.
type moduleIndex struct {
	pkgs  map[string]*packages.Package // by package path
	index map[string]*pkgIndex
	funcs map[string]map[string]*ast.FuncDecl // by package path, then full name
}

func newModuleIndex(pkgs []*packages.Package) *moduleIndex {
	m := &moduleIndex{
		pkgs:  map[string]*packages.Package{},
		index: map[string]*pkgIndex{},
		funcs: map[string]map[string]*ast.FuncDecl{},
	}
	for _, p := range pkgs {
		m.pkgs[p.PkgPath] = p
	}
	return m
}

// decl returns the declaration of fn and the index of its package. Objects
// are matched by full name, not identity: the package that calls fn may
// see another variant of fn's package than the one loaded.
func (m *moduleIndex) decl(fn *types.Func) (*pkgIndex, *ast.FuncDecl, bool) {
	path := fn.Pkg().Path()
	p, ok := m.pkgs[path]
	if !ok || p.TypesInfo == nil {
		return nil, nil, false
	}
	x := m.index[path]
	if x == nil {
		x = newPkgIndex(p)
		m.index[path] = x
		names := map[string]*ast.FuncDecl{}
		for obj, d := range x.decls {
			names[obj.FullName()] = d
		}
		m.funcs[path] = names
	}
	return x, m.funcs[path][fn.Origin().FullName()], true
}

// foreignWorker returns why worker code cannot move when it calls into
// other packages of the module: a function it reaches there uses
// process-wide state or changes a package variable, which the rewriter
// cannot make private across packages, or lives in a package that was not
// loaded and so cannot be checked. It returns "" when nothing stands in
// the way.
//
// TODO(procmigrate): packages of other modules are not followed, nor
// package variables of other packages that worker code only reads.
func foreignWorker(m *moduleIndex, x *pkgIndex, d *workers.Dispatch, reach []*ast.FuncDecl) string {
	if x.pkg.Module == nil {
		return ""
	}
	module := x.pkg.Module.Path
	inModule := func(path string) bool { return path == module || strings.HasPrefix(path, module+"/") }

	type fn struct {
		x  *pkgIndex
		fd *ast.FuncDecl
	}
	var work []fn
	seen := map[*ast.FuncDecl]bool{}
	var why string
	follow := func(from *pkgIndex, n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok || why != "" {
				return why == ""
			}
			f, ok := from.info.Uses[id].(*types.Func)
			if !ok || f.Pkg() == nil || f.Pkg() == from.pkg.Types || !inModule(f.Pkg().Path()) {
				return true
			}
			fx, fd, loaded := m.decl(f)
			switch {
			case !loaded:
				why = fmt.Sprintf("worker code calls %s.%s at %s, in a package of this module that was not loaded to be checked; rewrite with the pattern ./...",
					f.Pkg().Name(), f.Name(), from.pos(id.Pos()))
			case fd != nil && fd.Body != nil && !seen[fd]:
				seen[fd] = true
				work = append(work, fn{fx, fd})
			}
			return true
		})
	}
	for _, st := range d.Body {
		follow(x, st)
	}
	for _, fd := range reach {
		follow(x, fd.Body)
	}
	for len(work) > 0 && why == "" {
		f := work[0]
		work = work[1:]
		if uses := findProcessWide(f.fd.Body, f.x.info, nil); len(uses) > 0 {
			u := uses[0]
			return fmt.Sprintf("worker code calls %s.%s, which uses %s at %s, which %s",
				f.x.pkg.Name, f.fd.Name.Name, objName(u.obj), f.x.pos(enclosingSel(f.x, u.id).Pos()), u.why)
		}
		var first *ast.Ident
		for _, id := range mutatedVars(f.x, f.fd.Body) {
			if first == nil || id.Pos() < first.Pos() {
				first = id
			}
		}
		if first != nil {
			return fmt.Sprintf("worker code calls %s.%s, which changes package variable %s.%s at %s; it cannot be made private to each worker across packages",
				f.x.pkg.Name, f.fd.Name.Name, f.x.pkg.Name, first.Name, f.x.pos(first.Pos()))
		}
		follow(f.x, f.fd.Body)
		for _, c := range f.x.callees(f.fd.Body) {
			if !seen[c] && c.Body != nil {
				seen[c] = true
				work = append(work, fn{f.x, c})
			}
		}
	}
	return why
}
