// Package rewrite converts worker processes that a program starts by
// re-executing its own binary into goroutines in the same process.
//
// For each spawn site the analyzers' model finds, it checks the worker's
// code and protocol and picks the deepest conversion it can prove: the
// worker's role runs on a goroutine over in-memory pipes (InProcess), and
// where each direction carries one plain-data message type through one JSON
// encoder and decoder, the values are handed over with no encoding
// (TypedChannels). Every rewritten package is type-checked whole before
// anything is returned; a package whose rewrite does not type-check is
// returned unchanged with the reason on each site.
package rewrite

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"

	"github.com/dave/dst"
	"github.com/dave/dst/decorator"
	"golang.org/x/tools/go/packages"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// Run loads the packages and computes the rewrite without writing anything.
func Run(cfg Config) (*Result, error) {
	pkgs, err := load(cfg)
	if err != nil {
		return nil, err
	}
	return runPackages(pkgs)
}

// runPackages computes the rewrite of pkgs, loaded as load loads them: with
// syntax, types and Dir, and export data files for their imports.
func runPackages(pkgs []*packages.Package) (*Result, error) {
	ix := newExportIndex(pkgs[0].Dir, pkgs)
	mod := newModuleIndex(pkgs)
	res := &Result{}
	for _, pkg := range pkgs {
		files, sites, err := rewritePackage(ix, mod, pkg)
		if err != nil {
			return nil, err
		}
		res.Files = append(res.Files, files...)
		res.Sites = append(res.Sites, sites...)
	}
	sort.Slice(res.Files, func(i, j int) bool { return res.Files[i].Path < res.Files[j].Path })
	sort.SliceStable(res.Sites, func(i, j int) bool {
		a, b := res.Sites[i].Pos, res.Sites[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Offset < b.Offset
	})
	return res, nil
}

// rewritePackage plans every spawn site of pkg, applies the plans and checks
// the result. It returns an error only when the environment fails.
func rewritePackage(ix *exportIndex, mod *moduleIndex, pkg *packages.Package) ([]File, []Site, error) {
	if pkg.Types == nil || len(pkg.Syntax) == 0 {
		return nil, nil, nil
	}
	m := findWorkers(pkg)
	if len(m.Spawns) == 0 {
		return nil, otherStartSites(pkg.Fset, m), nil // nothing to convert here
	}
	var read *cgoRead
	if usesCgo(pkg) {
		src, r, err := cgoSourceSwitched(ix, pkg)
		if err != nil {
			return nil, nil, err
		}
		pkg, read = src, r
		m = findWorkers(pkg)
	}
	x := newPkgIndex(pkg)
	x.cgo = read

	// Plan each site.
	var plans, convert []*sitePlan
	for _, s := range m.Spawns {
		p := planSite(mod, x, s)
		plans = append(plans, p)
		if p.level > Unchanged {
			convert = append(convert, p)
		}
	}

	// Apply them, falling back to in-process pipes and then to nothing when
	// the result does not type-check.
	var files []File
	if len(convert) > 0 {
		var err error
		files, err = applyChecked(ix, x, convert)
		if err != nil {
			return nil, nil, err
		}
	}
	sites := make([]Site, 0, len(plans))
	for _, p := range plans {
		sites = append(sites, Site{
			Pos:    x.position(p.spawn.Call.Pos()),
			Role:   siteRole(p),
			Level:  p.level,
			Reason: p.reason,
			Notes:  p.notes,
		})
	}
	return files, append(sites, otherStartSites(x.fset, m)...), nil
}

// findWorkers returns the workers of pkg. It tells the finder where the
// module's main packages are, so that a start of another binary of the
// module is told from another program, as check tells it.
func findWorkers(pkg *packages.Package) *workers.Model {
	var opts workers.Options
	if mod := pkg.Module; mod != nil && mod.Dir != "" {
		opts.MainPackage = func(ref workers.BinaryRef) string { return workers.MainPackage(mod.Dir, mod.Path, ref) }
	}
	return workers.FindWith(pkg.Syntax, pkg.TypesInfo, pkg.Types, opts)
}

// otherStartSites returns an unchanged site for each start of m that runs
// a worker but is not one of the spawns the rewriter converts, saying why,
// so that a run does not claim it found no worker where check reports
// one:
//
//	cmd := &exec.Cmd{Path: exe, Args: []string{exe, "agent"}}
//	p, err := os.StartProcess(exe, []string{exe, "agent"}, attr)
//
// TODO(procmigrate): an exec.Cmd literal whose Path is the running binary
// could become newInprocCmd with its fields assigned after it.
func otherStartSites(fset *token.FileSet, m *workers.Model) []Site {
	spawned := make(map[*workers.Spawn]bool, len(m.Spawns))
	for _, s := range m.Spawns {
		spawned[s] = true
	}
	var sites []Site
	for _, s := range m.Starts {
		if spawned[s] || s.Kind == workers.StartExternal {
			continue // planned above, or no worker
		}
		role := siteRole(&sitePlan{spawn: s})
		if role == "" {
			role = s.Argv0 // the registry's name, which selects the role
		}
		sites = append(sites, Site{
			Pos:    fset.Position(s.At.Pos()),
			Role:   role,
			Level:  Unchanged,
			Reason: otherStartReason(s),
		})
	}
	return sites
}

// otherStartReason says why the rewriter leaves start s, which is not
// among the spawns it converts, unchanged.
func otherStartReason(s *workers.Spawn) string {
	const converted = "only exec.Command and exec.CommandContext are converted"
	switch {
	case s.Boundary != "":
		return keepReason(s)
	case s.Form == workers.FormCmdLiteral:
		return "started by an exec.Cmd literal: " + converted
	case s.Form == workers.FormStartProcess, s.Form == workers.FormForkExec, s.Form == workers.FormReexec:
		return "spawned with " + s.Form + ": " + converted
	case s.Program != "":
		return "the program is " + s.Binary + ", built from another main package of the module; only the running binary is converted"
	}
	return "the running binary is named by " + s.Self + "; only os.Executable(), os.Args[0] and /proc/self/exe are followed"
}

// keepReason says why a start whose child must stay a process is left
// unchanged.
func keepReason(s *workers.Spawn) string {
	return "keep as a process: the child " + s.Boundary
}

func fileAt(x *pkgIndex, n ast.Node) (*ast.File, bool) {
	for _, f := range x.files {
		if f.FileStart <= n.Pos() && n.Pos() <= f.FileEnd {
			return f, true
		}
	}
	return nil, false
}

// applyChecked applies the plans and type-checks the package. When the
// result does not type-check it tries each site alone, dropping a site
// from typed channels to in-process pipes before giving up on it, and
// keeps those that check, so one site that cannot move does not hold back
// the others. A site that fails even alone is left unchanged with the type
// error as its reason.
func applyChecked(ix *exportIndex, x *pkgIndex, plans []*sitePlan) ([]File, error) {
	if name := runtimeClash(x); name != "" {
		for _, p := range plans {
			p.level, p.reason, p.notes = Unchanged, fmt.Sprintf("the package already declares %s, a name the in-process runtime needs", name), nil
		}
		return nil, nil
	}
	files, checkErr, err := apply(ix, x, plans)
	if err != nil || checkErr == nil {
		return files, err
	}

	// Find what each site can do alone.
	var good []*sitePlan
	for _, p := range plans {
		_, alone, err := apply(ix, x, []*sitePlan{p})
		if err != nil {
			return nil, err
		}
		if alone != nil && p.level == TypedChannels {
			p.level, p.typed = InProcess, nil
			p.reason = fmt.Sprintf("typed channels do not type-check: %v", alone)
			if _, alone, err = apply(ix, x, []*sitePlan{p}); err != nil {
				return nil, err
			}
		}
		if alone != nil {
			p.level, p.reason, p.notes = Unchanged, fmt.Sprintf("the rewritten package does not type-check: %v", alone), nil
			continue
		}
		good = append(good, p)
	}
	if len(good) == 0 {
		return nil, nil
	}

	// Sites that check alone may still clash together.
	files, checkErr, err = apply(ix, x, good)
	if err != nil || checkErr == nil {
		return files, err
	}
	for _, p := range good {
		p.level, p.reason, p.notes = Unchanged, fmt.Sprintf("the rewritten package does not type-check with the package's other sites converted: %v", checkErr), nil
	}
	return nil, nil
}

// hasRuntime reports whether the package already has the runtime's file,
// from an earlier run.
func hasRuntime(x *pkgIndex) bool {
	for _, f := range x.pkg.GoFiles {
		if filepath.Base(f) == runtimeFile {
			return true
		}
	}
	return false
}

// runtimeClash returns a name the runtime declares that the package already
// uses for something else.
func runtimeClash(x *pkgIndex) string {
	if hasRuntime(x) {
		return ""
	}
	for _, name := range runtimeNames() {
		if x.pkg.Types.Scope().Lookup(name) != nil {
			return name
		}
	}
	return ""
}

// apply edits a fresh decoration of the package by the plans, prints the
// changed files and type-checks the package with them. checkErr is the
// type error of the result; err is a failure of the environment.
func apply(ix *exportIndex, x *pkgIndex, plans []*sitePlan) (files []File, checkErr, err error) {
	e, err := newEditor(x)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range plans {
		// The branch gets its new arguments and declarations before the
		// role's function copies it.
		if p.proc != nil {
			e.threadProc(p.proc)
		}
		for _, v := range p.private {
			e.privatize(v)
		}
		e.serializeCgo(p.cgo, p.switched)
		e.convertSpawn(p)
		e.convertExtraFiles(p.extra)
		if p.level == TypedChannels {
			e.convertTyped(p)
		}
		for _, sv := range p.shared {
			e.share(sv)
		}
	}
	retype := planRetype(x, plans)
	e.retype(retype)

	// Print the changed files and gather the whole package.
	contents := map[string][]byte{}
	for _, name := range x.pkg.GoFiles {
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", name, err)
		}
		contents[name] = src
	}
	resolver := importResolver(x)
	for af, df := range e.files {
		if !e.changed[df] {
			continue
		}
		name := x.fset.File(af.FileStart).Name() // not a //line name
		if path := duplicateImport(af); path != "" {
			// The restorer knows one name per path and would rewrite the
			// other imports and uses of it; leave the file to the user.
			return nil, fmt.Errorf("%s imports %s more than once, which the rewrite cannot print without changing those imports", filepath.Base(name), path), nil
		}
		e.qualifyNew(df)
		src, err := restore(x, resolver, df)
		if err == nil {
			src, err = e.secondImports(df, src)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("print %s: %w", name, err)
		}
		info, err := os.Stat(name)
		if err != nil {
			return nil, nil, fmt.Errorf("stat %s: %w", name, err)
		}
		files = append(files, File{Path: name, Old: contents[name], New: src, Mode: info.Mode().Perm()})
		contents[name] = src
	}
	if !hasRuntime(x) {
		name := filepath.Join(filepath.Dir(x.pkg.GoFiles[0]), runtimeFile)
		src, err := runtimeWithBuild(x)
		if err != nil {
			return nil, nil, err
		}
		files = append(files, File{Path: name, New: src, Mode: 0o644})
		contents[name] = src
	}

	// Check the result as a whole.
	old := map[string][]byte{}
	for _, f := range files {
		old[f.Path] = f.Old
	}
	typeErr, err := typeCheck(ix, x.pkg, contents, old)
	if err != nil {
		return nil, nil, fmt.Errorf("check rewritten package %s: %w", x.pkg.PkgPath, err)
	}
	if typeErr != nil {
		return nil, retypeHint(typeErr, retype), nil
	}
	return files, nil, nil
}

// restore prints a decorated file with its imports brought up to date, in
// gofmt's format.
func restore(x *pkgIndex, resolver importNames, df *dst.File) ([]byte, error) {
	// Add and remove imports in the user's layout first; see tidyImports.
	tidyImports(df, x.pkg.PkgPath)
	r := decorator.NewRestorerWithImports(x.pkg.PkgPath, resolver)
	var buf bytes.Buffer
	if err := r.Fprint(&buf, df); err != nil {
		return nil, err
	}
	return format.Source(buf.Bytes())
}

// importNames resolves import paths to package names for the restorer: the
// names the type checker saw, and the last path element for the standard
// packages the rewrite adds.
type importNames map[string]string

func (m importNames) ResolvePackage(path string) (string, error) {
	if name, ok := m[path]; ok {
		return name, nil
	}
	return filepath.Base(path), nil
}

func importResolver(x *pkgIndex) importNames {
	m := importNames{}
	var visit func(p *types.Package)
	visit = func(p *types.Package) {
		for _, imp := range p.Imports() {
			if _, ok := m[imp.Path()]; !ok {
				m[imp.Path()] = imp.Name()
				visit(imp)
			}
		}
	}
	visit(x.pkg.Types)
	return m
}
