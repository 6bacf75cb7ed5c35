package rewrite

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/dave/dst"
	"golang.org/x/tools/go/packages"

	"github.com/procmigrate/procmigrate/analyzers/cgocall"
	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// A package that uses cgo comes from go/packages as the files cgo
// generated, with C.f turned into calls of _Cfunc_f: rewriting those would
// write generated code over the user's. The rewriter reads and
// type-checks the original files instead, with "C" as a package whose
// names are not checked (types.Config.FakeImportC). Nothing the rewrite
// changes is C, so the Go around the C calls is all it needs to see.

// importsC reports whether any of files imports "C".
func importsC(files []*ast.File) bool {
	for _, f := range files {
		for _, imp := range f.Imports {
			if imp.Path.Value == `"C"` {
				return true
			}
		}
	}
	return false
}

// usesCgo reports whether pkg uses cgo: its files import "C", or cgo
// replaced files of it.
func usesCgo(pkg *packages.Package) bool {
	return importsC(pkg.Syntax) || len(pkg.CompiledGoFiles) != len(pkg.GoFiles)
}

// importer returns an importer of packages from export data, finding what
// it has not seen yet through the go command.
func (ix *exportIndex) importer(fset *token.FileSet) types.Importer {
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := ix.files[path]
		if !ok {
			if err := ix.ensure([]string{path}); err != nil {
				return nil, err
			}
			if file, ok = ix.files[path]; !ok {
				return nil, fmt.Errorf("no export data for %s", path)
			}
		}
		return os.Open(file)
	})
}

// cgoSwitch is a call of worker code that cgoSourceSwitched switched to
// its reentrant variant.
type cgoSwitch struct {
	file  string // the file as written
	at    int    // offset of the new name of the called function, after the switch
	title string // the fix's title: "Use strtok_r with a local saveptr"
	call  string // the function switched from: "strtok"
}

// cgoRead is how cgoSourceSwitched read the files of a cgo package.
type cgoRead struct {
	switched []cgoSwitch              // calls switched to reentrant variants
	files    map[string]*switchedFile // the files of those calls, by name
	funcs    map[string]bool          // the C functions the package calls, as cgo told them from C types
}

// switchedFile is a file as written whose calls cgoSourceSwitched
// switched, with what maps positions in it back to the file as written,
// where the user looks for them.
type switchedFile struct {
	orig  []byte
	edits []shiftedEdit // in order
}

// shiftedEdit is one edit: [start, end) as written became [at, at+n).
type shiftedEdit struct{ start, end, at, n int }

// origOffset returns the offset as written of the offset off of the
// switched file: a position inside new text maps to where it was put.
func (sf *switchedFile) origOffset(off int) int {
	delta := 0
	for _, e := range sf.edits {
		switch {
		case off < e.at:
			return off - delta
		case off < e.at+e.n:
			return e.start
		}
		delta = e.at + e.n - e.end
	}
	return off - delta
}

// position returns p as the user's file as written places it.
func (x *pkgIndex) position(p token.Pos) token.Position {
	pos := x.fset.Position(p)
	if x.cgo == nil || !pos.IsValid() {
		return pos
	}
	sf := x.cgo.files[pos.Filename]
	if sf == nil {
		return pos
	}
	off := min(sf.origOffset(pos.Offset), len(sf.orig))
	pos.Offset = off
	pos.Line = bytes.Count(sf.orig[:off], []byte("\n")) + 1
	pos.Column = off - bytes.LastIndexByte(sf.orig[:off], '\n')
	return pos
}

// cgoSourceSwitched is cgoSource with the calls of worker code switched to
// their reentrant variants where cgocall's fix applies (a strtok loop to
// strtok_r, a dereferenced localtime to localtime_r): the same edits go fix
// makes, applied to the files before they are parsed. Such a call no
// longer needs the cgo lock. The switched files are written only with a
// site that converts, since only such a site touches them.
func cgoSourceSwitched(ix *exportIndex, pkg *packages.Package) (*packages.Package, *cgoRead, error) {
	fixes := cgocall.ReentrantFixes(pkg.Fset, pkg.Syntax, pkg.TypesInfo, pkg.Types, pkg.OtherFiles)
	edits := map[string][]cgocall.Edit{}
	var switches []cgoSwitch
	for _, fix := range fixes {
		for _, e := range fix.Edits {
			edits[e.File] = append(edits[e.File], e)
		}
	}
	var (
		edited = map[string][]byte{}
		files  = map[string]*switchedFile{}
	)
	for name, es := range edits {
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", name, err)
		}
		sf := &switchedFile{orig: src}
		files[name] = sf
		sort.SliceStable(es, func(i, j int) bool { return es[i].Start < es[j].Start })
		var (
			out   []byte
			last  int
			moved = map[int]int{} // offsets as written to offsets as edited
		)
		for _, e := range es {
			if e.Start < last || e.End > len(src) {
				return nil, nil, fmt.Errorf("switch to reentrant variants in %s: overlapping edits", name)
			}
			out = append(out, src[last:e.Start]...)
			moved[e.Start] = len(out)
			sf.edits = append(sf.edits, shiftedEdit{start: e.Start, end: e.End, at: len(out), n: len(e.Text)})
			out = append(out, e.Text...)
			last = e.End
		}
		edited[name] = append(out, src[last:]...)
		for _, fix := range fixes {
			for _, e := range fix.Edits {
				if e.File == name && e.End > e.Start { // the call's name replaced
					switches = append(switches, cgoSwitch{file: name, at: moved[e.Start], title: fix.Title, call: fix.Call})
					break
				}
			}
		}
	}
	src, err := cgoSourceOf(ix, pkg, edited)
	return src, &cgoRead{switched: switches, files: files, funcs: cgoFuncs(pkg)}, err
}

// cgoFuncs returns the names of the C functions that pkg, as cgo generated
// it, calls: cgo turns C.f(...) into a call of _Cfunc_f when f is a
// function, and into a conversion when f is a type.
func cgoFuncs(pkg *packages.Package) map[string]bool {
	funcs := map[string]bool{}
	for _, obj := range pkg.TypesInfo.Uses {
		if fn, ok := obj.(*types.Func); ok && fn.Pkg() == pkg.Types {
			for _, prefix := range []string{"_Cfunc_", "_C2func_"} {
				if name, ok := strings.CutPrefix(fn.Name(), prefix); ok {
					funcs[name] = true
				}
			}
		}
	}
	return funcs
}

// cgoSource returns a copy of pkg whose syntax and types are those of its
// original files.
func cgoSource(ix *exportIndex, pkg *packages.Package) (*packages.Package, error) {
	return cgoSourceOf(ix, pkg, nil)
}

// cgoSourceOf is cgoSource with the contents of some files given.
func cgoSourceOf(ix *exportIndex, pkg *packages.Package, given map[string][]byte) (*packages.Package, error) {
	var syntax []*ast.File
	for _, name := range pkg.GoFiles {
		src, ok := given[name]
		if !ok {
			var err error
			if src, err = os.ReadFile(name); err != nil {
				return nil, fmt.Errorf("read %s: %w", name, err)
			}
		}
		f, err := parser.ParseFile(pkg.Fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		syntax = append(syntax, f)
	}
	info := &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		Scopes:       map[ast.Node]*types.Scope{},
		Instances:    map[*ast.Ident]types.Instance{},
		FileVersions: map[*ast.File]string{},
	}
	var first error
	conf := types.Config{
		Importer:    ix.importer(pkg.Fset),
		FakeImportC: true,
		Sizes:       pkg.TypesSizes,
		Error: func(err error) {
			if first == nil && !fakeCError(err) {
				first = err
			}
		},
	}
	if pkg.Module != nil && pkg.Module.GoVersion != "" {
		conf.GoVersion = "go" + pkg.Module.GoVersion
	}
	tpkg, _ := conf.Check(pkg.PkgPath, pkg.Fset, syntax, info)
	if first != nil {
		var terr types.Error
		if errors.As(first, &terr) {
			p := pkg.Fset.Position(terr.Pos)
			return nil, fmt.Errorf("%s:%d:%d: %s (type-checking the original files of a cgo package)", p.Filename, p.Line, p.Column, terr.Msg)
		}
		return nil, first
	}
	cp := *pkg
	cp.Syntax, cp.TypesInfo, cp.Types = syntax, info, tpkg
	cp.CompiledGoFiles = pkg.GoFiles
	return &cp, nil
}

// fakeCError reports whether err, reported while type-checking with
// FakeImportC, is about a value whose type came from C and so is unknown:
// the go command compiled the package, so the error is not in the user's
// code. go/types keeps quiet about most uses of such values, but not about
// converting the result of a Go function that returns an alias of a C type,
// as os/user does with uint64(_C_pw_uid(pwd)).
func fakeCError(err error) bool {
	var terr types.Error
	return errors.As(err, &terr) && strings.Contains(terr.Msg, "invalid type")
}

// cgoCalls returns the calls into C under n: C.f(...), with C the import.
func cgoCalls(x *pkgIndex, n ast.Node) []*ast.CallExpr {
	var calls []*ast.CallExpr
	ast.Inspect(n, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				if pn, ok := x.info.Uses[id].(*types.PkgName); ok && pn.Imported().Path() == "C" {
					if !strings.HasPrefix(sel.Sel.Name, "Go") && sel.Sel.Name != "CString" && sel.Sel.Name != "CBytes" {
						calls = append(calls, call)
					}
				}
			}
		}
		return true
	})
	return calls
}

// planCgo returns the functions of worker code that call into C and must
// hold the package's cgo lock, and those whose calls cgoSourceSwitched
// switched to a reentrant variant: a worker process ran its C calls alone,
// and C libraries keep state in static variables (strtok, localtime, a
// counter in the cgo preamble) that goroutines would share. The whole
// function holds the lock, since such state often spans several calls, as
// a strtok loop does. A function whose C calls are all thread-safe libc
// functions (cgocall.ThreadSafe), the switched ones among them, needs no
// lock. It returns why it cannot when a lock could deadlock or would not
// cover a call.
func planCgo(x *pkgIndex, d *workers.Dispatch, reach []*ast.FuncDecl) (locked, switched []*ast.FuncDecl, why string) {
	kept, err := cgocall.KeptState(x.files)
	if err != nil {
		return nil, nil, fmt.Sprintf("worker code calls into C and %v", err)
	}
	for _, fd := range reach {
		for _, call := range cgoCalls(x, fd.Body) {
			name := cgoName(call)
			if why := kept[name]; why != "" {
				return nil, nil, fmt.Sprintf("worker code calls C.%s at %s, whose preamble definition %s: each %s process had its own, and goroutines would share one",
					name, x.pos(call.Pos()), why, d.Role)
			}
			if why := libcKept[name]; why != "" {
				return nil, nil, fmt.Sprintf("worker code calls C.%s at %s, which %s: each %s process had its own, and goroutines would share one",
					name, x.pos(call.Pos()), why, d.Role)
			}
		}
	}
	for _, st := range d.Body {
		if calls := cgoCalls(x, st); len(calls) > 0 {
			return nil, nil, fmt.Sprintf("the branch for role %q calls into C at %s itself; the rewrite can serialize only calls in functions", d.Role, x.pos(calls[0].Pos()))
		}
	}
	for _, fd := range reach {
		if len(x.switchesIn(fd)) > 0 {
			switched = append(switched, fd)
		}
		calls := lockedCalls(x, fd.Body)
		if len(calls) == 0 {
			continue
		}
		var why string
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit, *ast.GoStmt:
				if in := lockedCalls(x, n); len(in) > 0 && why == "" {
					why = fmt.Sprintf("worker code calls into C at %s inside a function literal or go statement, which a lock held by %s would not cover", x.pos(in[0].Pos()), fd.Name.Name)
				}
			}
			return why == ""
		})
		if why != "" {
			return nil, nil, why
		}
		if fd.Body == nil || x.isGenerated(fd) {
			return nil, nil, fmt.Sprintf("worker code calls into C at %s in %s, which the rewrite cannot change", x.pos(calls[0].Pos()), fd.Name.Name)
		}
		locked = append(locked, fd)
	}
	// sync.Mutex is not reentrant: no locked function may run another.
	isLocked := map[*ast.FuncDecl]bool{}
	for _, fd := range locked {
		isLocked[fd] = true
	}
	for _, fd := range locked {
		for _, g := range x.reachable([]ast.Node{fd.Body}) {
			if isLocked[g] {
				return nil, nil, fmt.Sprintf("worker code calls into C in %s and in %s, which %s runs: one lock around each would deadlock", fd.Name.Name, g.Name.Name, fd.Name.Name)
			}
		}
	}
	return locked, switched, ""
}

// cgoName returns the name of the C function a call of cgoCalls calls.
func cgoName(call *ast.CallExpr) string {
	return ast.Unparen(call.Fun).(*ast.SelectorExpr).Sel.Name
}

// lockedCalls returns the calls into C under n that the cgo lock must
// serialize: all but those of thread-safe libc functions, and conversions
// to C types when cgo told those apart.
func lockedCalls(x *pkgIndex, n ast.Node) []*ast.CallExpr {
	var out []*ast.CallExpr
	for _, call := range cgoCalls(x, n) {
		name := cgoName(call)
		if cgocall.ThreadSafe(name) || x.cgo != nil && !x.cgo.funcs[name] {
			continue
		}
		out = append(out, call)
	}
	return out
}

// switchesIn returns the calls in fd that were switched to a reentrant
// variant.
func (x *pkgIndex) switchesIn(fd *ast.FuncDecl) []cgoSwitch {
	var out []cgoSwitch
	if x.cgo == nil {
		return nil
	}
	for _, sw := range x.cgo.switched {
		f := x.fset.File(fd.Pos())
		if f == nil || f.Name() != sw.file || sw.at >= f.Size() {
			continue
		}
		if pos := f.Pos(sw.at); fd.Pos() <= pos && pos < fd.End() {
			out = append(out, sw)
		}
	}
	return out
}

// libcKept lists the libc functions whose state lasts from one call to the
// next, so that a lock does not give each worker its own back: a sequence
// seeded per process, the environment, the locale, iterators over system
// databases, getopt's position.
var libcKept = map[string]string{
	"rand":        whySeq,
	"srand":       whySeq,
	"random":      whySeq,
	"srandom":     whySeq,
	"drand48":     whySeq,
	"lrand48":     whySeq,
	"mrand48":     whySeq,
	"srand48":     whySeq,
	"seed48":      whySeq,
	"lcong48":     whySeq,
	"setenv":      "changes the process's environment",
	"putenv":      "changes the process's environment",
	"unsetenv":    "changes the process's environment",
	"clearenv":    "changes the process's environment",
	"setlocale":   "changes the process's locale",
	"getopt":      "keeps its place in the arguments in optind",
	"setkey":      "keeps the key encrypt uses",
	"hcreate":     whyTable,
	"hsearch":     whyTable,
	"hdestroy":    whyTable,
	"getpwent":    whyIter,
	"setpwent":    whyIter,
	"endpwent":    whyIter,
	"getgrent":    whyIter,
	"setgrent":    whyIter,
	"endgrent":    whyIter,
	"getutxent":   whyIter,
	"setutxent":   whyIter,
	"endutxent":   whyIter,
	"gethostent":  whyIter,
	"getnetent":   whyIter,
	"getprotoent": whyIter,
	"getservent":  whyIter,
}

const (
	whySeq   = "draws from one sequence per process"
	whyTable = "keeps one hash table per process"
	whyIter  = "keeps one position per process in a system database"
)

// serializeCgo makes each of fds hold the package's cgo lock while it runs,
// declaring the lock the first time, and marks the functions in switched,
// whose calls were switched to reentrant variants as the files were read,
// as changed, so that their files are written.
func (e *editor) serializeCgo(fds, switched []*ast.FuncDecl) {
	for _, fd := range switched {
		e.touch(fd)
	}
	for _, fd := range fds {
		if e.cgoLocked[fd] {
			continue
		}
		e.cgoLocked[fd] = true
		mu := e.cgoMutex(fd)
		lock := &dst.ExprStmt{X: &dst.CallExpr{Fun: &dst.SelectorExpr{X: &dst.Ident{Name: mu}, Sel: &dst.Ident{Name: "Lock"}}}}
		unlock := &dst.DeferStmt{Call: &dst.CallExpr{Fun: &dst.SelectorExpr{X: &dst.Ident{Name: mu}, Sel: &dst.Ident{Name: "Unlock"}}}}
		lock.Decs.Before = dst.NewLine
		unlock.Decs.Before = dst.NewLine
		unlock.Decs.After = dst.EmptyLine
		body := e.dstOf(fd).(*dst.FuncDecl).Body
		at := e.moved[e.dstOf(fd).(*dst.FuncDecl)]
		body.List = append(body.List[:at:at], append([]dst.Stmt{lock, unlock}, body.List[at:]...)...)
		e.touch(fd)
	}
}

// cgoMutex returns the name of the package's cgo lock, declaring it after
// the imports of the file of fd the first time.
func (e *editor) cgoMutex(fd *ast.FuncDecl) string {
	if e.cgoMu != "" {
		return e.cgoMu
	}
	e.cgoMu = fresh("cgoMu", e.taken)
	e.taken[e.cgoMu] = true
	decl := &dst.GenDecl{Tok: token.VAR, Specs: []dst.Spec{&dst.ValueSpec{
		Names: []*dst.Ident{{Name: e.cgoMu}},
		Type:  &dst.Ident{Name: "Mutex", Path: "sync"},
	}}}
	decl.Decs.Before = dst.EmptyLine
	decl.Decs.After = dst.EmptyLine
	decl.Decs.Start = commentLines(e.cgoMu + " serializes the calls into C that worker code makes. Each worker " +
		"was a process and ran them alone; as goroutines they share one process, and C code may keep " +
		"state in static variables. The lock costs parallelism: take it out of functions whose C calls " +
		"are known to be thread-safe.")
	_, df := e.fileOf(fd)
	e.qualifyAt(fd, df, "sync") // a package variable may be named sync
	at := 0
	for i, d := range df.Decls {
		if g, ok := d.(*dst.GenDecl); ok && g.Tok == token.IMPORT {
			at = i + 1
		}
	}
	df.Decls = append(df.Decls[:at:at], append([]dst.Decl{decl}, df.Decls[at:]...)...)
	e.changed[df] = true
	return e.cgoMu
}
