package procglobal

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// Reaches is the fact procglobal exports for an exported function or
// method of a package outside the standard library that uses
// process-global state, in its own body or in the functions it calls,
// within its package or through their facts. It holds the first use of
// each kind, sorted by kind, so that worker code in another package that
// calls the function is reported at the call.
//
// runtime.LockOSThread is left out: alone it is no hazard, and with
// syscall.Unshare or unix.Setns the thread kind is there anyway.
type Reaches struct {
	Uses []Use
}

// Use is one use of process-global state as a fact carries it. Positions
// do not survive the serialization of facts, so the place is a string.
type Use struct {
	Name  string   // how code names the state: "os.Exit"
	Kind  string   // one of the workers.Kind* constants
	Why   string   // what goes wrong in-process, as in workers.Global
	At    string   // package path, file name and line: "example.com/lib/run.go:12"
	Chain []string // the functions called on the way, the last holding the use: "lib.helper"

	// Handed is what migrate rewrite does instead, as in workers.Global;
	// it matters only for a use in the package being checked.
	Handed string `json:"-"`
}

// AFact marks Reaches as a fact.
func (*Reaches) AFact() {}

func (f *Reaches) String() string {
	parts := make([]string, len(f.Uses))
	for i, u := range f.Uses {
		parts[i] = fmt.Sprintf("%s: %s at %s", u.Kind, u.Name, u.At)
		if len(u.Chain) > 0 {
			parts[i] += " via " + strings.Join(u.Chain, ", ")
		}
	}
	return "reaches " + strings.Join(parts, "; ")
}

// finding is one use of process-global state in some code: a reference
// to the state itself, or a call of another package's function whose
// fact says it reaches the state.
type finding struct {
	id     *ast.Ident   // the reference, or the callee's name at the call
	node   ast.Node     // what to point at: the call, the selector or id
	obj    types.Object // the state, or the function called
	callee bool         // obj is a function of another package carrying use
	use    Use          // for a callee, Chain starts with the callee's own name
}

// scanner finds uses of process-global state in the code of one pass.
type scanner struct {
	pass *analysis.Pass
}

// findings returns the uses of process-global state under n in source
// order, skipping the identifiers in allowed. A call of a function of
// another package gives one finding per kind its fact holds.
func (s scanner) findings(n ast.Node, allowed map[*ast.Ident]bool) []finding {
	var (
		out  []finding
		done = make(map[*ast.Ident]bool)
	)
	ast.Inspect(n, func(n ast.Node) bool {
		var id *ast.Ident
		switch n := n.(type) {
		case *ast.CallExpr:
			id = workers.RefIdent(n.Fun)
		case *ast.SelectorExpr:
			id = n.Sel
		case *ast.Ident:
			id = n
		}
		if id == nil || done[id] || allowed[id] {
			return true
		}
		done[id] = true // the outermost node names it: f(x) over f.x over x
		out = append(out, s.at(id, n)...)
		return true
	})
	return out
}

// at returns the findings for the identifier id, named by node.
func (s scanner) at(id *ast.Ident, node ast.Node) []finding {
	obj := s.pass.TypesInfo.Uses[id]
	if g, ok := workers.ProcessGlobal(obj); ok {
		use := Use{Name: g.Name, Kind: g.Kind, Why: g.Why, At: s.where(id.Pos()), Handed: g.Handed}
		return []finding{{id: id, node: node, obj: obj, use: use}}
	}
	fn, ok := obj.(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg() == s.pass.Pkg {
		return nil
	}
	var fact Reaches
	if !s.pass.ImportObjectFact(fn.Origin(), &fact) {
		return nil
	}
	out := make([]finding, len(fact.Uses))
	for i, u := range fact.Uses {
		u.Chain = append([]string{qualName(fn)}, u.Chain...)
		out[i] = finding{id: id, node: node, obj: fn, callee: true, use: u}
	}
	return out
}

// where names the place of pos for a fact: package path, file name and
// line, which is the same on every machine.
func (s scanner) where(pos token.Pos) string {
	p := s.pass.Fset.Position(pos)
	return fmt.Sprintf("%s/%s:%d", s.pass.Pkg.Path(), filepath.Base(p.Filename), p.Line)
}

// exportFacts exports a Reaches fact for each exported function and
// method of the package that reaches process-global state. A function's
// uses are its own, in source order, then those of the functions it
// calls, nearest first, so that each kind is shown by its shortest chain.
//
// It is not called for packages of the standard library (see
// exportsFacts): the table of workers.ProcessGlobal already names their
// process-global APIs, and a fact on fmt.Println would report its callers
// a second time.
func exportFacts(pass *analysis.Pass, calls *workers.Calls) {
	var (
		s = scanner{pass}
		g = callGraph{
			own:     make(map[*ast.FuncDecl][]Use),
			callees: make(map[*ast.FuncDecl][]*ast.FuncDecl),
			names:   make(map[*ast.FuncDecl]string),
			bits:    make(map[string]uint64),
		}
		decls []*ast.FuncDecl
	)

	// Gather each function's own uses and the functions it calls.
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if !ok {
				continue // a declaration that did not type-check
			}
			decls = append(decls, fd)
			g.names[fd] = qualName(fn)
			for _, fi := range s.findings(fd.Body, nil) {
				if !isLockOSThread(fi) {
					g.own[fd] = append(g.own[fd], fi.use)
				}
			}
			for _, c := range calls.Callees(fd.Body) {
				if c.Body != nil {
					g.callees[fd] = append(g.callees[fd], c)
				}
			}
		}
	}

	// Summarize each exported function that reaches something.
	reach := g.reach()
	for _, fd := range decls {
		fn := pass.TypesInfo.Defs[fd.Name].(*types.Func)
		if want := reach[fd]; want != 0 && exportable(fn, pass.Pkg) {
			pass.ExportObjectFact(fn, &Reaches{Uses: g.summarize(fd, want)})
		}
	}
}

// callGraph is what the functions of one package do themselves: the uses
// of process-global state in their bodies, in source order, and the
// functions of the package with bodies they call or refer to.
type callGraph struct {
	own     map[*ast.FuncDecl][]Use
	callees map[*ast.FuncDecl][]*ast.FuncDecl
	names   map[*ast.FuncDecl]string // as qualName gives them
	bits    map[string]uint64        // a bit for each kind seen
}

// bit returns the bit of kind in the masks of reach.
func (g callGraph) bit(kind string) uint64 {
	b, ok := g.bits[kind]
	if !ok {
		b = 1 << len(g.bits)
		g.bits[kind] = b
	}
	return b
}

// reach returns the kinds each function reaches, as a mask of bits,
// found by handing each function's own kinds on to its callers until
// nothing changes. A function that reaches nothing has no entry.
func (g callGraph) reach() map[*ast.FuncDecl]uint64 {
	callers := make(map[*ast.FuncDecl][]*ast.FuncDecl)
	for fd, cs := range g.callees {
		for _, c := range cs {
			callers[c] = append(callers[c], fd)
		}
	}
	mask := make(map[*ast.FuncDecl]uint64)
	var work []*ast.FuncDecl
	for fd, uses := range g.own {
		for _, u := range uses {
			mask[fd] |= g.bit(u.Kind)
		}
		work = append(work, fd)
	}
	for len(work) > 0 {
		fd := work[len(work)-1]
		work = work[:len(work)-1]
		for _, caller := range callers[fd] {
			if m := mask[caller] | mask[fd]; m != mask[caller] {
				mask[caller] = m
				work = append(work, caller)
			}
		}
	}
	return mask
}

// summarize returns the first use of each kind that fd reaches, searching
// breadth first from fd through callees until it has found every kind of
// want, the mask reach gives fd, sorted by kind.
func (g callGraph) summarize(fd *ast.FuncDecl, want uint64) []Use {
	type step struct {
		fd    *ast.FuncDecl
		chain []string
	}
	var (
		queue = []step{{fd, nil}}
		seen  = map[*ast.FuncDecl]bool{fd: true}
		got   uint64
		uses  []Use
	)
	for len(queue) > 0 && got != want {
		st := queue[0]
		queue = queue[1:]
		for _, u := range g.own[st.fd] {
			if got&g.bit(u.Kind) != 0 {
				continue // a nearer or earlier use shows this kind
			}
			got |= g.bit(u.Kind)
			u.Chain = append(slices.Clip(st.chain), u.Chain...)
			uses = append(uses, u)
		}
		for _, c := range g.callees[st.fd] {
			if !seen[c] {
				seen[c] = true
				queue = append(queue, step{c, append(slices.Clip(st.chain), g.names[c])})
			}
		}
	}
	slices.SortFunc(uses, func(a, b Use) int { return strings.Compare(a.Kind, b.Kind) })
	return uses
}

// exportsFacts reports whether exportFacts has anything to do for the
// package of pass: not for the standard library (see exportFacts), and not
// for a main package, which cannot be imported, so its facts would go
// unread.
func exportsFacts(pass *analysis.Pass) bool {
	return !isStd(pass) && pass.Pkg.Name() != "main"
}

// exportable reports whether fn can carry a fact another package reads:
// an exported function or method of pkg declared at package level.
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
// library. Drivers give no flag for it; such a package belongs to no
// module (drivers give an empty one or none) and its path has no dot in
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

// isLockOSThread reports whether fi is a use of runtime.LockOSThread,
// which is a hazard only together with a change of namespace.
func isLockOSThread(fi finding) bool {
	return !fi.callee && isObj(fi.obj, "runtime", "LockOSThread")
}

// isObj reports whether obj is the package-level object path.name.
func isObj(obj types.Object, path, name string) bool {
	return obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == path && obj.Name() == name &&
		obj.Parent() == obj.Pkg().Scope()
}

// qualName names fn with its package name, as code in another package
// would: lib.Run, or (*lib.Server).Run for a method.
func qualName(fn *types.Func) string {
	recv := fn.Signature().Recv()
	if recv == nil {
		return fn.Pkg().Name() + "." + fn.Name()
	}
	t := types.TypeString(recv.Type(), func(p *types.Package) string { return p.Name() })
	if _, ok := types.Unalias(recv.Type()).(*types.Pointer); ok {
		return "(" + t + ")." + fn.Name()
	}
	return t + "." + fn.Name()
}
