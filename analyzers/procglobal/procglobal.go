package procglobal

import (
	_ "embed"
	"fmt"
	"go/ast"
	"path"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/procmigrate/procmigrate/analyzers/internal/analyzerdoc"
	"github.com/procmigrate/procmigrate/analyzers/internal/nolint"
	"github.com/procmigrate/procmigrate/analyzers/workers"
)

//go:embed doc.go
var doc string

// Analyzer reports worker code that uses state belonging to the whole
// process.
var Analyzer = &analysis.Analyzer{
	Name:      "procglobal",
	Doc:       analyzerdoc.MustSection(doc, "procglobal"),
	URL:       "https://github.com/procmigrate/procmigrate/blob/main/docs/analyzers.md#procglobal",
	Requires:  []*analysis.Analyzer{workers.Analyzer},
	FactTypes: []analysis.Fact{new(Reaches)},
	Run:       nolint.Run(run),
}

// What migrate rewrite does about a site whose worker code has a use: it
// hands the worker its own of what workers.Global.Handed says, and leaves
// the site unchanged for the rest (see planProc, firstProcessWide and
// foreignWorker in package rewrite), except for calls out of the module,
// which it does not follow.
const (
	rewriteRefuses     = "migrate rewrite leaves the site unchanged"
	rewriteNotFollowed = "migrate rewrite does not follow calls out of the module, so it does not stop for this"
	rewriteEnv         = "migrate rewrite hands the worker the environment its command sets"
)

func run(pass *analysis.Pass) (any, error) {
	if pass.TypesInfo == nil {
		// A dependency loaded from export data (see workers.Analyzer):
		// it runs no worker, and only the standard library is loaded so.
		return nil, nil
	}
	// The call graph is built only for a package that needs it: one that
	// exports facts or runs worker code. Most packages of the standard
	// library do neither, and building it for them was most of what
	// procglobal cost on std.
	var calls *workers.Calls
	graph := func() *workers.Calls {
		if calls == nil {
			calls = workers.NewCalls(pass.Files, pass.TypesInfo)
		}
		return calls
	}
	if exportsFacts(pass) {
		exportFacts(pass, graph())
	}

	model := pass.ResultOf[workers.Analyzer].(*workers.Model)
	r := &reporter{
		pass: pass,
		done: make(map[doneKey]bool),
	}
	for _, d := range model.Dispatches {
		spawns := spawnsOf(model, d)
		if len(spawns) == 0 {
			continue // a subcommand, or a helper process: no worker runs it
		}
		r.calls = graph()
		r.entry(d, spawns)
	}
	return nil, nil
}

// spawnsOf returns the spawns of the package that start the role of d.
func spawnsOf(m *workers.Model, d *workers.Dispatch) []*workers.Spawn {
	var out []*workers.Spawn
	for _, s := range m.Spawns {
		if s.Dispatch == d {
			out = append(out, s)
		}
	}
	return out
}

// reporter reports the worker code of one pass, each use once.
type reporter struct {
	pass  *analysis.Pass
	calls *workers.Calls
	done  map[doneKey]bool
}

// doneKey is one reported use: a call of another package's function may
// be reported once for each kind its fact holds.
type doneKey struct {
	id   *ast.Ident
	kind string
}

// region is a piece of worker code: a statement of the role's branch or
// the body of a function the branch reaches.
type region struct {
	root    ast.Node
	allowed map[*ast.Ident]bool // what the rewriter replaces in the branch
	branch  bool
}

// entry reports the worker code of dispatch d, started by spawns.
func (r *reporter) entry(d *workers.Dispatch, spawns []*workers.Spawn) {
	// Find worker code: the branch, less what the rewriter replaces, and
	// every function of the package it reaches.
	var (
		regions []region
		roots   []ast.Node
	)
	for _, st := range d.Body {
		allowed := make(map[*ast.Ident]bool)
		for id := range workers.BranchReplaced(r.pass.TypesInfo, st) {
			allowed[id] = true
		}
		regions = append(regions, region{root: st, allowed: allowed, branch: true})
		roots = append(roots, st)
	}
	for _, fd := range r.calls.Reachable(roots) {
		regions = append(regions, region{root: fd.Body})
	}

	// Gather its uses; runtime.LockOSThread counts only next to a change
	// of namespace, which would move the thread under the other goroutines.
	var (
		s         = scanner{r.pass}
		found     [][]finding
		namespace = false
	)
	for _, rg := range regions {
		fs := s.findings(rg.root, rg.allowed)
		for _, fi := range fs {
			namespace = namespace || fi.use.Kind == workers.KindThread && !isLockOSThread(fi)
		}
		found = append(found, fs)
	}

	// Report them.
	for i, fs := range found {
		for _, fi := range fs {
			if isLockOSThread(fi) && !namespace {
				continue // pins the goroutine, harmless alone
			}
			r.report(d, regions[i], fi)
		}
	}
	r.envReads(d, spawns, regions)
}

// report reports finding fi of the worker code of d, once.
func (r *reporter) report(d *workers.Dispatch, rg region, fi finding) {
	key := doneKey{fi.id, fi.use.Kind}
	if r.done[key] {
		return // reached from an earlier role
	}
	r.done[key] = true
	diag := analysis.Diagnostic{
		Pos:      fi.node.Pos(),
		End:      fi.node.End(),
		Category: fi.use.Kind,
		Message:  r.message(d, fi),
	}
	if isChdir(fi) {
		diag.Related = r.relativePaths(d, rg, fi)
	}
	r.pass.Report(diag)
}

// message says what fi does in the worker code of d:
//
//	worker code for role "agent" uses os.Exit, which in-process ends the parent and every worker; migrate rewrite leaves the site unchanged
//	worker code for role "agent" calls lib.Run, which calls lib.stop, which uses os.Exit at example.com/lib/run.go:12; os.Exit in-process ends …
func (r *reporter) message(d *workers.Dispatch, fi finding) string {
	u := fi.use
	if !fi.callee {
		note := rewriteRefuses
		if u.Handed != "" {
			note = "migrate rewrite " + u.Handed
		}
		return fmt.Sprintf("worker code for role %q uses %s, which %s; %s", d.Role, u.Name, u.Why, note)
	}
	note := rewriteRefuses
	if !r.inModule(usePkg(u)) {
		note = rewriteNotFollowed // the rewriter follows worker code only so far
	}
	return fmt.Sprintf("worker code for role %q calls %s, which uses %s at %s; %s %s; %s",
		d.Role, strings.Join(u.Chain, ", which calls "), u.Name, u.At, u.Name, u.Why, note)
}

// usePkg returns the path of the package that holds u.
func usePkg(u Use) string {
	file, _, _ := strings.Cut(u.At, ":")
	return path.Dir(file)
}

// inModule reports whether the package path is in the module of the pass,
// where migrate rewrite follows worker code.
func (r *reporter) inModule(path string) bool {
	m := r.pass.Module
	return m != nil && m.Path != "" && (path == m.Path || strings.HasPrefix(path, m.Path+"/"))
}
