package workers

import (
	"go/ast"
	"go/types"
)

// Calls answers which function declarations of one package a piece of code
// can run, through static references: calls, method values and functions
// passed as values. The analyzers use it to decide what is worker code or
// goroutine code, and the rewriter to find what a worker touches.
type Calls struct {
	info    *types.Info
	decls   map[*types.Func]*ast.FuncDecl
	methods map[string][]*ast.FuncDecl // concrete methods by name
}

// NewCalls indexes the function declarations of files.
func NewCalls(files []*ast.File, info *types.Info) *Calls {
	c := &Calls{
		info:    info,
		decls:   make(map[*types.Func]*ast.FuncDecl),
		methods: make(map[string][]*ast.FuncDecl),
	}
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			if fn, ok := info.Defs[fd.Name].(*types.Func); ok {
				c.decls[fn] = fd
			}
			if fd.Recv != nil {
				c.methods[fd.Name.Name] = append(c.methods[fd.Name.Name], fd)
			}
		}
	}
	return c
}

// Decl returns the declaration of fn in this package, or nil.
func (c *Calls) Decl(fn *types.Func) *ast.FuncDecl { return c.decls[fn.Origin()] }

// Callees returns the functions of this package that n refers to, as calls
// or as values; either may run as part of n. A method called through an
// interface may be any method of that name in the package.
func (c *Calls) Callees(n ast.Node) []*ast.FuncDecl {
	var out []*ast.FuncDecl
	seen := map[*ast.FuncDecl]bool{}
	add := func(d *ast.FuncDecl) {
		if d != nil && !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	ast.Inspect(n, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		fn, ok := c.info.Uses[id].(*types.Func)
		if !ok {
			return true
		}
		if recv := fn.Signature().Recv(); recv != nil && types.IsInterface(recv.Type()) {
			for _, d := range c.methods[fn.Name()] {
				add(d)
			}
			return true
		}
		add(c.decls[fn.Origin()])
		return true
	})
	return out
}

// Reachable returns the function declarations of this package, with
// bodies, that code in roots can run, in the order they are first found.
//
// TODO(procmigrate): calls through function values stored in variables and
// through interfaces to methods of other packages are not followed, so
// code run only that way is missed.
func (c *Calls) Reachable(roots []ast.Node) []*ast.FuncDecl {
	var out []*ast.FuncDecl
	seen := map[*ast.FuncDecl]bool{}
	var visit func(n ast.Node)
	visit = func(n ast.Node) {
		for _, d := range c.Callees(n) {
			if !seen[d] && d.Body != nil {
				seen[d] = true
				out = append(out, d)
				visit(d.Body)
			}
		}
	}
	for _, r := range roots {
		visit(r)
	}
	return out
}

// EntryKind says why code is about to run concurrently with the rest of
// the program.
type EntryKind int

const (
	// WorkerEntry is the code that serves a worker role: today a process
	// of its own, after migration a goroutine of the parent.
	WorkerEntry EntryKind = iota
	// GoroutineEntry is code that already runs on a goroutine of its own.
	GoroutineEntry
)

func (k EntryKind) String() string {
	if k == WorkerEntry {
		return "worker"
	}
	return "goroutine"
}

// Entry is where concurrent code starts: the branch serving a worker role,
// the function of a go statement, or a function handed to something that
// runs it on a goroutine (sync.WaitGroup.Go, errgroup.Group.Go, an HTTP
// handler).
type Entry struct {
	Kind  EntryKind
	Roots []ast.Node // the code that runs: statements, a function literal, a function reference
	At    ast.Node   // what to point a report at: the dispatch or the go statement
	Role  string     // the role served, for a WorkerEntry
}

// Entries returns the worker and goroutine entries of a package: one per
// dispatch of m, then one per go statement and goroutine-starting call in
// files, in source order.
func Entries(m *Model, files []*ast.File, info *types.Info) []Entry {
	var out []Entry
	for _, d := range m.Dispatches {
		roots := make([]ast.Node, len(d.Body))
		for i, s := range d.Body {
			roots[i] = s
		}
		out = append(out, Entry{Kind: WorkerEntry, Roots: roots, At: d.Node, Role: d.Role})
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt:
				// The arguments are evaluated by the caller; only the
				// function runs on the new goroutine.
				out = append(out, Entry{Kind: GoroutineEntry, Roots: []ast.Node{n.Call.Fun}, At: n})
			case *ast.CallExpr:
				if arg := goroutineArg(info, n); arg != nil {
					out = append(out, Entry{Kind: GoroutineEntry, Roots: []ast.Node{arg}, At: n})
				}
			}
			return true
		})
	}
	return out
}

// goroutineArg returns the function argument of a call that runs it on a
// goroutine of its own, or nil: wg.Go(f), g.Go(f) of errgroup, and the
// handler of http.HandleFunc and http.Handle, which the server calls on a
// goroutine per request.
func goroutineArg(info *types.Info, call *ast.CallExpr) ast.Expr {
	fn := callee(info, call)
	if fn == nil || len(call.Args) == 0 {
		return nil
	}
	last := call.Args[len(call.Args)-1]
	switch {
	case isMethod(fn, "sync", "WaitGroup", "Go"),
		isMethod(fn, "golang.org/x/sync/errgroup", "Group", "Go"),
		isMethod(fn, "golang.org/x/sync/errgroup", "Group", "TryGo"):
		return last
	case isPkgFunc(fn, "net/http", "HandleFunc"),
		isPkgFunc(fn, "net/http", "Handle"),
		isMethod(fn, "net/http", "ServeMux", "HandleFunc"),
		isMethod(fn, "net/http", "ServeMux", "Handle"):
		if len(call.Args) == 2 {
			return last
		}
	}
	return nil
}
