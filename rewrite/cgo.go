package rewrite

import (
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
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

// cgoSource returns a copy of pkg whose syntax and types are those of its
// original files.
func cgoSource(ix *exportIndex, pkg *packages.Package) (*packages.Package, error) {
	var syntax []*ast.File
	for _, name := range pkg.GoFiles {
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
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

// planCgo returns the functions of worker code that call into C, each of
// which the rewrite serializes: a worker process ran its C calls alone,
// and C libraries keep state in static variables (strtok, localtime, a
// counter in the cgo preamble) that goroutines would share. The whole
// function holds the lock, since such state often spans several calls, as
// a strtok loop does. It returns why it cannot when a lock could deadlock
// or would not cover a call.
//
// TODO(procmigrate): functions that C documents as thread-safe, such as
// most of libm, need no lock; the cgocall analyzer knows them.
func planCgo(x *pkgIndex, d *workers.Dispatch, reach []*ast.FuncDecl) ([]*ast.FuncDecl, string) {
	kept, err := cgocall.KeptState(x.files)
	if err != nil {
		return nil, fmt.Sprintf("worker code calls into C and %v", err)
	}
	for _, fd := range reach {
		for _, call := range cgoCalls(x, fd.Body) {
			name := ast.Unparen(call.Fun).(*ast.SelectorExpr).Sel.Name
			if why := kept[name]; why != "" {
				return nil, fmt.Sprintf("worker code calls C.%s at %s, whose preamble definition %s: each %s process had its own, and goroutines would share one",
					name, x.pos(call.Pos()), why, d.Role)
			}
			if why := libcKept[name]; why != "" {
				return nil, fmt.Sprintf("worker code calls C.%s at %s, which %s: each %s process had its own, and goroutines would share one",
					name, x.pos(call.Pos()), why, d.Role)
			}
		}
	}
	for _, st := range d.Body {
		if calls := cgoCalls(x, st); len(calls) > 0 {
			return nil, fmt.Sprintf("the branch for role %q calls into C at %s itself; the rewrite can serialize only calls in functions", d.Role, x.pos(calls[0].Pos()))
		}
	}
	var locked []*ast.FuncDecl
	for _, fd := range reach {
		calls := cgoCalls(x, fd.Body)
		if len(calls) == 0 {
			continue
		}
		var why string
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit, *ast.GoStmt:
				if len(cgoCalls(x, n)) > 0 && why == "" {
					why = fmt.Sprintf("worker code calls into C at %s inside a function literal or go statement, which a lock held by %s would not cover", x.pos(cgoCalls(x, n)[0].Pos()), fd.Name.Name)
				}
			}
			return why == ""
		})
		if why != "" {
			return nil, why
		}
		if fd.Body == nil || x.isGenerated(fd) {
			return nil, fmt.Sprintf("worker code calls into C at %s in %s, which the rewrite cannot change", x.pos(calls[0].Pos()), fd.Name.Name)
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
				return nil, fmt.Sprintf("worker code calls into C in %s and in %s, which %s runs: one lock around each would deadlock", fd.Name.Name, g.Name.Name, fd.Name.Name)
			}
		}
	}
	return locked, ""
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
// declaring the lock the first time.
func (e *editor) serializeCgo(fds []*ast.FuncDecl) {
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
