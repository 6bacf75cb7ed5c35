package sharedvar

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// Class is what a shared variable is for, which decides how the rewriter
// makes it safe while keeping its meaning: state that was one per worker
// process has to stay one per worker, a cache can be shared, a counter
// meant to count everything must count everything.
type Class int

const (
	// ReadOnly is written only while the program sets up: by package
	// initializers and init functions, or before any code that runs
	// concurrently starts, which then only reads it. Share it as it is:
	// one copy instead of one per worker.
	ReadOnly Class = iota
	// PerWorker is used by worker code alone, which as a process had a
	// copy of its own, like a tally the worker reports back. Give each
	// worker its own again.
	PerWorker
	// KeyedCache is a map whose entries are stored right after being
	// looked up with the same key, so that a value depends on its key
	// alone. Share it behind a mutex.
	KeyedCache
	// Counter is an integer that code only adds to and reads. Make it a
	// sync/atomic type.
	Counter
	// Other is anything else. Guard it with a mutex declared beside it
	// and held around every access, and say in the rewrite summary that
	// its meaning changes: the workers now see each other's writes.
	Other
)

func (c Class) String() string {
	switch c {
	case ReadOnly:
		return "read-only after initialization"
	case PerWorker:
		return "per-worker state"
	case KeyedCache:
		return "cache keyed by its keys"
	case Counter:
		return "counter"
	}
	return "other shared state"
}

// Shared is a variable that code running concurrently uses: a
// package-level variable that goroutines, handlers or worker code read or
// write, or a local variable, or a field of one, that two of them race on.
type Shared struct {
	Var      *types.Var
	Fields   []string // the fields from Var to the shared memory, none for Var itself
	Class    Class
	Accesses []Access // every access in the package, in source order
	Race     *Race    // two accesses that can run at once unordered; nil if none
}

// Access is one read or write of a shared variable.
type Access struct {
	Pos, End   token.Pos
	Write      bool
	Atomic     bool
	Locks      []string      // the mutexes held, as code names them: "mu", "c.mu"
	Func       *ast.FuncDecl // the declaration it is in; nil in a package-level initializer
	Init       bool          // in a package-level initializer or an init function
	Concurrent bool          // in code that runs concurrently: a goroutine, a handler, worker code
	Worker     bool          // in worker code: the branch of a worker role and what it calls
}

// Race is two accesses of a shared variable that can run at the same
// time with nothing ordering them, at least one a write.
type Race struct {
	First, Second token.Pos
	Message       string // as the analyzer reports it
}

// Find returns the shared variables of a type-checked package, with
// their accesses and what they are for. It is the analysis the Analyzer
// reports from, run on one package: calls into other packages are not
// followed, since their facts are not at hand. The file set resolves
// positions in Race.Message.
func Find(fset *token.FileSet, files []*ast.File, info *types.Info, pkg *types.Package) []*Shared {
	a := newAnalysis(fset, files, info, pkg)
	a.scan()
	model := workers.Find(files, info, pkg)
	a.findEntries(model)
	a.buildEntries(model)
	found := a.findings(a.races())

	// Gather every access of the package's own code, each once.
	all := a.ownAccesses()
	concurrent, worker := a.concurrentCode()

	// Report each package variable concurrent code uses, and each
	// location with a race.
	var (
		out  []*Shared
		byID = make(map[string]*Shared)
	)
	add := func(v *types.Var, fields string) *Shared {
		id := v.Name() + "\x00" + fields + "\x00" + fset.Position(v.Pos()).String()
		if s, ok := byID[id]; ok {
			return s
		}
		s := &Shared{Var: v, Fields: fieldList(fields)}
		byID[id] = s
		out = append(out, s)
		return s
	}
	for _, e := range a.entries {
		for _, x := range e.region {
			if isPkgVar(x.loc.root) && x.loc.root.Pkg() == pkg {
				add(x.loc.root, "")
			}
		}
	}
	for _, f := range found {
		s := add(f.first.loc.root, fieldKey(f.first.loc))
		if s.Race == nil {
			s.Race = &Race{First: f.first.pos, Second: f.second.pos, Message: f.message}
		}
	}

	for _, s := range out {
		prefix := fieldString(s.Fields)
		rmw := make(map[token.Pos]bool) // writes computed from the value read
		for _, x := range all {
			if x.loc.root != s.Var || !hasFieldPrefix(fieldKey(x.loc), prefix) {
				continue
			}
			s.Accesses = append(s.Accesses, a.publicAccess(x, concurrent, worker))
			if x.rmw || x.atomic && x.write {
				rmw[x.pos] = true
			}
		}
		slices.SortFunc(s.Accesses, func(x, y Access) int { return int(x.Pos - y.Pos) })
		s.Class = a.classify(s, rmw)
	}
	slices.SortFunc(out, func(x, y *Shared) int { return int(x.Var.Pos() - y.Var.Pos()) })
	return out
}

// fieldList splits a path of fields into their names.
func fieldList(fields string) []string {
	var out []string
	for _, s := range steps(fields) {
		out = append(out, s[1:])
	}
	return out
}

// fieldString joins field names back into a path.
func fieldString(fields []string) string {
	var s string
	for _, f := range fields {
		s += "." + f
	}
	return s
}

// hasFieldPrefix reports whether the fields k start with the fields p,
// or p with k: writing s.cfg writes s.cfg.limit too.
func hasFieldPrefix(k, p string) bool {
	n := min(len(k), len(p))
	if k[:n] != p[:n] {
		return false
	}
	return len(k) == n || len(p) == n || k[n] == '.' || p[n] == '.'
}

// ownAccesses returns each access the package's code makes in its own
// functions and package-level initializers, once.
func (a *state) ownAccesses() []*access {
	for _, f := range a.files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				a.declFrame(fd)
			}
		}
	}
	init := a.initFrame()
	type key struct {
		pos   token.Pos
		write bool
		l     loc
	}
	seen := make(map[key]bool)
	var out []*access
	collect := func(f *frame) {
		for _, x := range f.accs {
			k := key{x.pos, x.write, x.loc}
			if len(x.chain) > 0 || seen[k] {
				continue // another function's, or seen through another frame
			}
			seen[k] = true
			out = append(out, x)
		}
	}
	collect(init)
	for _, f := range a.frames {
		if f != nil {
			collect(f)
		}
	}
	return out
}

// initFrame walks the package-level variable initializers.
func (a *state) initFrame() *frame {
	f := &frame{name: "package initialization", decl: true}
	w := &walker{a: a, fr: f, busy: make(map[*ast.FuncLit]bool)}
	for _, file := range a.files {
		for _, d := range file.Decls {
			gen, ok := d.(*ast.GenDecl)
			if !ok || gen.Tok != token.VAR {
				continue
			}
			for _, s := range gen.Specs {
				vs := s.(*ast.ValueSpec)
				for _, v := range vs.Values {
					w.expr(v)
				}
				if len(vs.Values) > 0 {
					for _, n := range vs.Names {
						w.store(n, false)
					}
				}
			}
		}
	}
	return f
}

// concurrentCode returns the frames entries run, and those worker
// entries run.
func (a *state) concurrentCode() (all, worker map[*frame]bool) {
	all, worker = make(map[*frame]bool), make(map[*frame]bool)
	for _, e := range a.entries {
		for f := range a.reaches(e) {
			all[f] = true
			if e.kind == workerEntry {
				worker[f] = true
			}
		}
	}
	return all, worker
}

// publicAccess describes access x for the rewriter.
func (a *state) publicAccess(x *access, concurrent, worker map[*frame]bool) Access {
	out := Access{Pos: x.pos, End: x.end, Write: x.write, Atomic: x.atomic}
	for _, l := range x.locks {
		if l.loc.root != nil && !l.readsOnly {
			out.Locks = append(out.Locks, name(l.loc))
		}
	}
	out.Func = a.funcAt(x.pos)
	if out.Func == nil {
		out.Init = true
	} else if out.Func.Recv == nil && out.Func.Name.Name == "init" {
		out.Init = true
	}

	// Concurrent and worker code: a frame an entry runs holds x, or x is
	// in the branch of a worker role.
	for f := range concurrent {
		if f.from <= x.pos && x.pos < f.to {
			out.Concurrent = true
			out.Worker = out.Worker || worker[f]
		}
	}
	return out
}

// funcAt returns the function declaration that holds pos, or nil.
func (a *state) funcAt(pos token.Pos) *ast.FuncDecl {
	for _, f := range a.files {
		if pos < f.Pos() || pos >= f.End() {
			continue
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Pos() <= pos && pos < fd.End() {
				return fd
			}
		}
	}
	return nil
}

// classify says what a shared variable is for, from its accesses.
func (a *state) classify(s *Shared, rmw map[token.Pos]bool) Class {
	var (
		writes, concurrentWrites int
		workerOnly               = true
		rmwOnly                  = true
		cacheStores              = true
		used                     = false
	)
	for _, x := range s.Accesses {
		if x.Init {
			continue
		}
		used = true
		workerOnly = workerOnly && x.Worker
		if !x.Write {
			continue
		}
		writes++
		if x.Concurrent {
			concurrentWrites++
		}
		rmwOnly = rmwOnly && rmw[x.Pos]
		cacheStores = cacheStores && a.isCacheStore(s.Var, x)
	}
	switch {
	case writes == 0 || concurrentWrites == 0 && s.Race == nil:
		return ReadOnly
	case used && workerOnly && isPkgVar(s.Var):
		return PerWorker
	case rmwOnly && isInteger(s.Var.Type()) && len(s.Fields) == 0:
		return Counter
	case cacheStores && isMap(s.Var.Type()) && len(s.Fields) == 0:
		return KeyedCache
	}
	return Other
}

// isInteger reports whether t is an integer type.
func isInteger(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

// isCacheStore reports whether write x of map m stores m[k] in a function
// that first looks up m[k] with the same key.
func (a *state) isCacheStore(m *types.Var, x Access) bool {
	if x.Func == nil {
		return false
	}
	var store *ast.IndexExpr
	ast.Inspect(x.Func.Body, func(n ast.Node) bool {
		if ix, ok := n.(*ast.IndexExpr); ok && ix.Pos() == x.Pos && ix.End() == x.End {
			store = ix
		}
		return store == nil
	})
	if store == nil || !a.refersTo(store.X, m) {
		return false
	}
	lookedUp := false
	ast.Inspect(x.Func.Body, func(n ast.Node) bool {
		if ix, ok := n.(*ast.IndexExpr); ok && ix != store && ix.Pos() < store.Pos() &&
			a.refersTo(ix.X, m) && a.sameKey(ix.Index, store.Index) {
			lookedUp = true
		}
		return !lookedUp
	})
	return lookedUp
}

// refersTo reports whether e names variable v itself.
func (a *state) refersTo(e ast.Expr, v *types.Var) bool {
	l, ok := locOf(a.info, e)
	return ok && l.root == v && l.path == ""
}

// sameKey reports whether two key expressions denote the same value: the
// same variable, or the same constant.
func (a *state) sameKey(x, y ast.Expr) bool {
	if tx, ty := a.info.Types[x], a.info.Types[y]; tx.Value != nil && ty.Value != nil {
		return tx.Value.ExactString() == ty.Value.ExactString()
	}
	lx, okx := locOf(a.info, x)
	ly, oky := locOf(a.info, y)
	return okx && oky && lx == ly
}

// isMap reports whether t is a map type.
func isMap(t types.Type) bool {
	_, ok := t.Underlying().(*types.Map)
	return ok
}
