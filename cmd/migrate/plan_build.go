package main

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/procmigrate/procmigrate/analyzers/workers"
	"github.com/procmigrate/procmigrate/rewrite"
)

// planBuilder assembles the plan of one run from the loaded packages, the
// analyzers' diagnostics and the rewrite's result.
type planBuilder struct {
	dir     string
	sites   map[siteKey]rewrite.Site // rewrite sites not yet matched to a spawn
	changed map[string]map[int]bool  // absolute file => original lines the rewrite changes
	entries []*pkgEntry
	byPath  map[string]*pkgEntry
	byFile  map[string]*pkgEntry // absolute file => package it belongs to
}

// pkgEntry is a package being planned.
type pkgEntry struct {
	path    string
	roles   []*roleEntry
	hazards []planHazardGroup
}

// roleEntry is a role being planned, with the code that belongs to it.
type roleEntry struct {
	plan    planRole
	streams map[string]*planStream
	spans   []codeSpan // the worker's code, parent and worker side
}

// siteKey identifies a spawn site by the position of its call.
type siteKey struct {
	file      string
	line, col int
}

// buildPlan returns the plan of pkgs, whose root analyses are roots and
// whose rewrite is res.
func buildPlan(dir string, pkgs []*packages.Package, roots []*checker.Action, res *rewrite.Result) *planReport {
	b := &planBuilder{
		dir:    dir,
		sites:  make(map[siteKey]rewrite.Site),
		byPath: make(map[string]*pkgEntry),
		byFile: make(map[string]*pkgEntry),
	}
	for _, s := range res.Sites {
		b.sites[siteKey{s.Pos.Filename, s.Pos.Line, s.Pos.Column}] = s
	}
	files, changed := planFiles(dir, res.Files)
	b.changed = changed

	// Describe the workers, then the sites only the rewriter saw, then the
	// hazards, which need to know which roles are converted.
	for _, p := range pkgs {
		b.addPackage(p)
	}
	b.addUnmatchedSites()
	diags := collectPlanDiags(roots)
	for _, e := range b.entries {
		e.hazards = b.hazards(e, diags[e.path])
	}
	return b.report(files)
}

// planPackages picks the packages to plan from a load with tests: each
// package once, as its test variant when it has one, since that holds all
// its files, and no generated test main. It is the choice uniqueRoots
// makes for the analyses.
func planPackages(pkgs []*packages.Package) []*packages.Package {
	hasVariant := make(map[string]bool)
	for _, p := range pkgs {
		if p.ForTest == p.PkgPath && p.ID != p.PkgPath {
			hasVariant[p.PkgPath] = true
		}
	}
	var out []*packages.Package
	for _, p := range pkgs {
		switch {
		case p.ID == p.PkgPath && hasVariant[p.PkgPath]:
			continue // planned as its test variant
		case p.Name == "main" && strings.HasSuffix(p.PkgPath, ".test") && p.ForTest == "":
			continue // generated test main
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *packages.Package) int {
		return cmp.Or(strings.Compare(a.PkgPath, b.PkgPath), strings.Compare(a.ID, b.ID))
	})
	return out
}

// entry returns the entry of the package path, adding it when new.
func (b *planBuilder) entry(path string) *pkgEntry {
	e := b.byPath[path]
	if e == nil {
		e = &pkgEntry{path: path}
		b.byPath[path] = e
		b.entries = append(b.entries, e)
	}
	return e
}

// addPackage adds the roles of p's workers.
func (b *planBuilder) addPackage(p *packages.Package) {
	e := b.entry(p.PkgPath)
	for _, f := range slices.Concat(p.GoFiles, p.CompiledGoFiles) {
		b.byFile[f] = e
	}
	if p.Types == nil || p.TypesInfo == nil {
		return // nothing to find workers in
	}
	m := workers.Find(p.Syntax, p.TypesInfo, p.Types)
	if len(m.Spawns) == 0 {
		return
	}
	calls := workers.NewCalls(p.Syntax, p.TypesInfo)
	byRole := make(map[string]*roleEntry)
	for _, s := range m.Spawns {
		r := byRole[s.Role]
		if r == nil {
			r = b.newRole(p, m, calls, s)
			byRole[s.Role] = r
			e.roles = append(e.roles, r)
		}
		r.plan.Spawns = append(r.plan.Spawns, b.spawn(p, s))
		r.spans = append(r.spans, spawnSpans(s)...)
		for _, pipe := range s.Pipes {
			st := r.stream(pipe.Stream)
			st.Parent = append(st.Parent, b.end(p, pipe.Call, pipe.Codec))
		}
	}
}

// newRole starts the role of spawn s: its dispatches, its serving function
// and the worker's ends of the streams, which are the parameters of the
// serving function that receive them or, failing that, os.Stdin and
// os.Stdout as the worker's code uses them. Spawns of one role in a package
// all start the same dispatch.
func (b *planBuilder) newRole(p *packages.Package, m *workers.Model, calls *workers.Calls, s *workers.Spawn) *roleEntry {
	r := &roleEntry{
		plan:    planRole{Role: s.Role},
		streams: make(map[string]*planStream),
	}
	for _, d := range m.Dispatches {
		if s.Role == "" || d.Role != s.Role || d.Arg != 1 {
			continue // not a branch os/exec can start for this role
		}
		r.plan.Dispatches = append(r.plan.Dispatches, planDispatch{
			Pos:     b.pos(p.Fset, d.Node.Pos()),
			Func:    funcName(p, d.Func),
			Serve:   serveName(p, d),
			Started: d == s.Dispatch,
		})
	}
	d := s.Dispatch
	if d == nil {
		return r // the worker's code is unknown
	}
	r.plan.Serve = serveName(p, d)
	r.spans = workerSpans(calls, d)
	for _, ep := range d.Endpoints {
		end := b.end(p, d.ServeCall.Args[ep.Arg], ep.Codec)
		end.Param = ep.Param.Name()
		r.stream(ep.Stream).Worker = &end
	}

	// A worker that uses os.Stdin or os.Stdout itself has its end there:
	// at the stream its codec is built on, or else where it is first used.
	for _, dr := range d.Direct {
		st := r.stream(dr.Stream)
		if st.Worker != nil {
			continue // also passed to the serving function, whose parameter is the end
		}
		var at ast.Node = dr.Uses[0]
		if dr.Codec != nil {
			at = dr.Codec.Ctor.Args[0]
		}
		end := b.end(p, at, dr.Codec)
		st.Worker = &end
	}
	return r
}

// spawn describes spawn site s and what the rewrite does to it.
func (b *planBuilder) spawn(p *packages.Package, s *workers.Spawn) planSpawn {
	call := "exec.Command"
	if s.Ctx != nil {
		call = "exec.CommandContext"
	}
	sp := planSpawn{
		Pos:  b.pos(p.Fset, s.Call.Pos()),
		Func: funcName(p, s.Func),
		Call: call,
		Self: s.Self,
	}
	posn := p.Fset.Position(s.Call.Pos())
	key := siteKey{posn.Filename, posn.Line, posn.Column}
	if site, ok := b.sites[key]; ok {
		delete(b.sites, key)
		sp.Rewrite = siteRewrite(site)
	}
	return sp
}

// addUnmatchedSites adds the rewrite's sites that match no spawn found
// here to the package that holds their file, so that the plan shows every
// site the rewrite reports. They arise only when the rewriter's view of a
// package differs from the plan's.
func (b *planBuilder) addUnmatchedSites() {
	var rest []rewrite.Site
	for _, s := range b.sites {
		rest = append(rest, s)
	}
	slices.SortFunc(rest, func(x, y rewrite.Site) int { return planComparePosn(x.Pos, y.Pos) })
	for _, s := range rest {
		e := b.byFile[s.Pos.Filename]
		if e == nil {
			e = b.entry(relPath(b.dir, filepath.Dir(s.Pos.Filename)))
		}
		r := e.role(s.Role)
		r.plan.Spawns = append(r.plan.Spawns, planSpawn{
			Pos:     b.relPos(s.Pos),
			Rewrite: siteRewrite(s),
		})
	}
	clear(b.sites)
}

// role returns the entry's role named role, adding it when new.
func (e *pkgEntry) role(role string) *roleEntry {
	for _, r := range e.roles {
		if r.plan.Role == role {
			return r
		}
	}
	r := &roleEntry{plan: planRole{Role: role}, streams: make(map[string]*planStream)}
	e.roles = append(e.roles, r)
	return r
}

// stream returns the role's stream named name, adding it when new.
func (r *roleEntry) stream(name string) *planStream {
	st := r.streams[name]
	if st == nil {
		dir := toParent
		if name == "stdin" {
			dir = toWorker
		}
		st = &planStream{Stream: name, Direction: dir}
		r.streams[name] = st
	}
	return st
}

// converted reports whether the rewrite converts every spawn of the role,
// so that none of its worker code still runs as a process of its own.
func (r *roleEntry) converted() bool {
	for _, s := range r.plan.Spawns {
		if s.Rewrite == nil || s.Rewrite.Level == levelUnchanged {
			return false
		}
	}
	return len(r.plan.Spawns) > 0
}

// end describes one end of a stream: the expression n, with codec c on it
// or nil for raw bytes.
func (b *planBuilder) end(p *packages.Package, n ast.Node, c *workers.Codec) planEnd {
	end := planEnd{Pos: b.pos(p.Fset, n.Pos()), Types: []string{}}
	if c != nil {
		end.Codec = c.Kind
		for _, t := range c.Types {
			end.Types = append(end.Types, types.TypeString(t, types.RelativeTo(p.Types)))
		}
	}
	return end
}

// siteRewrite describes what the rewrite does to site.
func siteRewrite(site rewrite.Site) *planRewrite {
	level := levelTypedChannels
	switch site.Level {
	case rewrite.Unchanged:
		level = levelUnchanged
	case rewrite.InProcess:
		level = levelInProcess
	}
	return &planRewrite{Level: level, Reason: site.Reason, Notes: append([]string{}, site.Notes...)}
}

// funcName names the function declared by fd as code in p would, "" for
// none.
func funcName(p *packages.Package, fd *ast.FuncDecl) string {
	if fd == nil {
		return ""
	}
	if fn, ok := p.TypesInfo.Defs[fd.Name].(*types.Func); ok {
		return workers.FuncString(fn, p.Types)
	}
	return fd.Name.Name
}

// serveName names the serving function of d, "" when the branch serves
// the role inline.
func serveName(p *packages.Package, d *workers.Dispatch) string {
	if d.Serve == nil {
		return ""
	}
	return workers.FuncString(d.Serve, p.Types)
}

// pos returns the position of pos, relative to the -C directory.
func (b *planBuilder) pos(fset *token.FileSet, pos token.Pos) planPos {
	return b.relPos(fset.Position(pos))
}

func (b *planBuilder) relPos(posn token.Position) planPos {
	return planPos{File: relPath(b.dir, posn.Filename), Line: posn.Line, Column: posn.Column}
}

// planComparePosn orders positions by file, line and column.
func planComparePosn(a, b token.Position) int {
	return cmp.Or(strings.Compare(a.Filename, b.Filename),
		cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
}

func comparePlanPos(a, b planPos) int {
	return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
}

// report puts the entries in order and adds what they leave to a person.
func (b *planBuilder) report(files []planFile) *planReport {
	rep := &planReport{
		Version:     planVersion,
		Packages:    []planPackage{},
		Files:       files,
		NeedsPerson: planAttention{Sites: []planOpenSite{}, Hazards: []planOpenHazard{}},
	}
	slices.SortFunc(b.entries, func(x, y *pkgEntry) int { return strings.Compare(x.path, y.path) })
	for _, e := range b.entries {
		if len(e.roles) == 0 && len(e.hazards) == 0 {
			continue // nothing to say about it
		}
		pp := planPackage{Path: e.path, Roles: []planRole{}, Hazards: e.hazards}
		slices.SortFunc(e.roles, func(x, y *roleEntry) int { return compareRoles(x.plan.Role, y.plan.Role) })
		for _, r := range e.roles {
			pp.Roles = append(pp.Roles, r.finish())
		}
		rep.Packages = append(rep.Packages, pp)
		rep.addOpen(pp)
	}
	slices.SortStableFunc(rep.NeedsPerson.Sites, func(x, y planOpenSite) int { return comparePlanPos(x.Pos, y.Pos) })
	slices.SortStableFunc(rep.NeedsPerson.Hazards, func(x, y planOpenHazard) int { return comparePlanPos(x.Pos, y.Pos) })
	rep.count()
	return rep
}

// compareRoles orders roles by name, with the non-constant role "" last.
func compareRoles(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	return strings.Compare(a, b)
}

// finish returns the role's plan with its spawns in position order, its
// streams in the order stdin, stdout, stderr, and the message types of
// each direction.
func (r *roleEntry) finish() planRole {
	p := r.plan
	slices.SortStableFunc(p.Spawns, func(a, b planSpawn) int { return comparePlanPos(a.Pos, b.Pos) })
	p.Dispatches = planNonNil(p.Dispatches)
	p.Streams = []planStream{}
	p.ToWorker, p.ToParent = []string{}, []string{}
	for _, name := range []string{"stdin", "stdout", "stderr"} {
		st := r.streams[name]
		if st == nil {
			continue
		}
		st.Parent = planNonNil(st.Parent)
		slices.SortStableFunc(st.Parent, func(a, b planEnd) int { return comparePlanPos(a.Pos, b.Pos) })
		st.Types = []string{}
		for _, end := range st.Parent {
			st.Types = appendNew(st.Types, end.Types)
		}
		if st.Worker != nil {
			st.Types = appendNew(st.Types, st.Worker.Types)
		}
		if st.Direction == toWorker {
			p.ToWorker = appendNew(p.ToWorker, st.Types)
		} else {
			p.ToParent = appendNew(p.ToParent, st.Types)
		}
		p.Streams = append(p.Streams, *st)
	}
	return p
}

// appendNew appends to list the names not yet in it.
func appendNew(list, names []string) []string {
	for _, n := range names {
		if !slices.Contains(list, n) {
			list = append(list, n)
		}
	}
	return list
}

func planNonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// addOpen adds what package pp leaves to a person: the sites the rewrite
// does not convert and the hazards nothing addresses.
func (rep *planReport) addOpen(pp planPackage) {
	for _, r := range pp.Roles {
		for _, s := range r.Spawns {
			reason := "the rewriter reported nothing for this spawn site"
			switch {
			case s.Rewrite == nil:
			case s.Rewrite.Level == levelUnchanged:
				reason = s.Rewrite.Reason
			default:
				continue // converted
			}
			rep.NeedsPerson.Sites = append(rep.NeedsPerson.Sites,
				planOpenSite{Package: pp.Path, Role: r.Role, Pos: s.Pos, Reason: reason})
		}
	}
	for _, g := range pp.Hazards {
		for _, h := range g.Hazards {
			if h.AddressedBy != byNothing {
				continue
			}
			rep.NeedsPerson.Hazards = append(rep.NeedsPerson.Hazards, planOpenHazard{
				Package: pp.Path, Analyzer: g.Analyzer, Pos: h.Pos, Message: h.Message, Roles: h.Roles,
			})
		}
	}
}

// count fills the summary.
func (rep *planReport) count() {
	s := &rep.Summary
	for _, pp := range rep.Packages {
		for _, r := range pp.Roles {
			for _, sp := range r.Spawns {
				s.Sites++
				switch {
				case sp.Rewrite == nil:
					s.NotRewritten++
				case sp.Rewrite.Level == levelUnchanged:
					s.Unchanged++
				case sp.Rewrite.Level == levelInProcess:
					s.InProcess++
				default:
					s.TypedChannels++
				}
			}
		}
		for _, g := range pp.Hazards {
			s.Hazards += len(g.Hazards)
		}
	}
	s.NeedsPerson = len(rep.NeedsPerson.Sites) + len(rep.NeedsPerson.Hazards)
}
