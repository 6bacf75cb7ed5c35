package rewrite

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"

	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"
	"golang.org/x/tools/go/ast/astutil"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// The restorer keeps a file's imports in step with the qualified
// identifiers in it, but when it adds an import it sorts the first import
// block and puts every standard import into one group, and when it drops
// an import it drops the comment above it even when that comment heads a
// group. A user who sorted imports into commented groups would see them
// undone by the rewrite of one call. tidyImports makes the changes itself
// first, in the user's layout, so that the restorer finds nothing to add
// or remove:
//
//	import (                                   import (
//		// The standard library.                   // The standard library.
//		"encoding/json"                            "context"
//		"fmt"                            =>        "fmt"
//
//		// This module.                            // This module.
//		"example.com/m/v2"                         "example.com/m/v2"
//	)                                          )
//
// An import that is no longer used is removed with its own comments; when
// it was the first of its group, the group's spacing and the comments
// above it go to the next import of the group. A new import goes into the
// group of its kind (standard or not) whose paths share the longest prefix
// with it, at its sorted place, or into a new group: first for a standard
// package, last for any other. Names are left to the restorer, which
// aliases an import whose name another import of the file takes.
func tidyImports(df *dst.File, pkgPath string) {
	used := map[string]bool{}
	dst.Inspect(df, func(n dst.Node) bool {
		if id, ok := n.(*dst.Ident); ok && id.Path != "" && id.Path != pkgPath {
			used[id.Path] = true
		}
		return true
	})

	// Remove the imports nothing uses any more.
	have := map[string]bool{}
	var blocks []*dst.GenDecl
	var decls []dst.Decl
	for _, d := range df.Decls {
		gd, ok := d.(*dst.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			decls = append(decls, d)
			continue
		}
		n := len(gd.Specs)
		gd.Specs = keepUsedImports(gd.Specs, used)
		if len(gd.Specs) == 0 {
			continue // every import of the declaration went
		}
		if n > 1 && len(gd.Specs) == 1 && len(gd.Specs[0].Decorations().Start) == 0 {
			// One import left of several loses its parentheses, as gofmt
			// users write it, unless a comment above it needs them.
			gd.Lparen, gd.Rparen = false, false
		}
		for _, s := range gd.Specs {
			have[importPath(s.(*dst.ImportSpec))] = true
		}
		decls = append(decls, d)
		if !isCgoImport(gd) {
			blocks = append(blocks, gd)
		}
	}
	df.Decls = decls

	// Add those it needs now, in the first import declaration as the
	// restorer would. With none, the restorer's own new block has no
	// layout to keep.
	if len(blocks) == 0 {
		return
	}
	var missing []string
	for path := range used {
		if !have[path] {
			missing = append(missing, path)
		}
	}
	sort.Strings(missing)
	for _, path := range missing {
		addImport(blocks[0], &dst.ImportSpec{Path: &dst.BasicLit{Kind: token.STRING, Value: strconv.Quote(path)}})
	}
}

// keepUsedImports returns the specs whose package is used, or that are
// kept whatever their use: "C", blank and dot imports, as the restorer
// keeps them.
func keepUsedImports(specs []dst.Spec, used map[string]bool) []dst.Spec {
	var out []dst.Spec
	var carry *dst.NodeDecs // of a removed first import of its group
	for i, s := range specs {
		is := s.(*dst.ImportSpec)
		path := importPath(is)
		first := i == 0 || is.Decs.Before == dst.EmptyLine
		if first {
			carry = nil // a new group: what the last one left has no home
		}
		if used[path] || path == "C" || is.Name != nil && (is.Name.Name == "_" || is.Name.Name == ".") {
			if carry != nil {
				is.Decs.Before = carry.Before
				is.Decs.Start = append(carry.Start, is.Decs.Start...)
				carry = nil
			}
			out = append(out, is)
			continue
		}
		if first {
			carry = &dst.NodeDecs{Before: is.Decs.Before, Start: is.Decs.Start}
		}
	}
	if len(out) == 1 && len(specs) > 1 {
		// One import left of several: in parentheses it would keep a
		// blank line or group comment meant to separate it from others.
		out[0].(*dst.ImportSpec).Decs.Before = dst.NewLine
	}
	return out
}

// addImport inserts spec into the group of gd that fits it; see
// tidyImports.
func addImport(gd *dst.GenDecl, spec *dst.ImportSpec) {
	path := importPath(spec)
	spec.Decs.Before, spec.Decs.After = dst.NewLine, dst.NewLine
	if !gd.Lparen {
		gd.Lparen, gd.Rparen = true, true
		for _, s := range gd.Specs {
			s.Decorations().Before, s.Decorations().After = dst.NewLine, dst.NewLine
		}
	}

	// Find the group: [start, end) of gd.Specs.
	start, end, best := -1, -1, -1
	for i := 0; i < len(gd.Specs); {
		j := i + 1
		for j < len(gd.Specs) && gd.Specs[j].Decorations().Before != dst.EmptyLine {
			j++
		}
		// A group fits if it has imports of the kind of path; one that
		// mixes kinds, as in a file never grouped, fits either.
		fits, prefix := false, 0
		for _, s := range gd.Specs[i:j] {
			p := importPath(s.(*dst.ImportSpec))
			fits = fits || isStdPath(p) == isStdPath(path)
			prefix = max(prefix, commonPrefix(p, path))
		}
		// Ties go to the first standard group and the last other one.
		if fits && (prefix > best || prefix == best && !isStdPath(path)) {
			start, end, best = i, j, prefix
		}
		i = j
	}

	// Without one, start a group: standard packages first, others last.
	if start < 0 {
		if isStdPath(path) {
			if len(gd.Specs) > 0 {
				gd.Specs[0].Decorations().Before = dst.EmptyLine
			}
			gd.Specs = append([]dst.Spec{spec}, gd.Specs...)
			return
		}
		spec.Decs.Before = dst.EmptyLine
		gd.Specs = append(gd.Specs, spec)
		return
	}

	// Insert it at its place in the group. In front, it takes over the
	// group's spacing and the comments above the group.
	at := end
	for i := start; i < end; i++ {
		if path < importPath(gd.Specs[i].(*dst.ImportSpec)) {
			at = i
			break
		}
	}
	if at == start {
		lead := gd.Specs[start].Decorations()
		spec.Decs.Before, spec.Decs.Start = lead.Before, lead.Start
		lead.Before, lead.Start = dst.NewLine, nil
	}
	gd.Specs = append(gd.Specs[:at:at], append([]dst.Spec{spec}, gd.Specs[at:]...)...)
}

// importAs makes the file df import path under alias, adding the import
// or renaming the one it has; see qualifyAt.
func importAs(df *dst.File, path, alias string) {
	var first *dst.GenDecl
	for _, d := range df.Decls {
		gd, ok := d.(*dst.GenDecl)
		if !ok || gd.Tok != token.IMPORT || isCgoImport(gd) {
			continue
		}
		if first == nil {
			first = gd
		}
		for _, s := range gd.Specs {
			if is := s.(*dst.ImportSpec); importPath(is) == path && (is.Name == nil || is.Name.Name != "_") {
				is.Name = &dst.Ident{Name: alias}
				return
			}
		}
	}
	spec := &dst.ImportSpec{Name: &dst.Ident{Name: alias}, Path: &dst.BasicLit{Kind: token.STRING, Value: strconv.Quote(path)}}
	if first == nil {
		first = &dst.GenDecl{Tok: token.IMPORT}
		first.Decs.Before, first.Decs.After = dst.EmptyLine, dst.EmptyLine
		at := 0
		if len(df.Decls) > 0 {
			if gd, ok := df.Decls[0].(*dst.GenDecl); ok && isCgoImport(gd) {
				at = 1
			}
		}
		df.Decls = append(df.Decls[:at:at], append([]dst.Decl{first}, df.Decls[at:]...)...)
	}
	addImport(first, spec)
}

// qualifyAt makes sure that the code the rewrite writes in df at n can name
// path, when a local or package-level name hides the package there, as a
// parameter called context hides the context package. When df does not
// import path yet, it imports it under an alias that no identifier of the
// package spells, and the restorer qualifies the new uses with it. When df
// imports it already, its own uses keep that import as they are: the new
// code alone is qualified with the alias, of a second import of the same
// path that secondImports adds after the restorer, which knows one name
// per path:
//
//	import "context"                        import (
//	                                            "context"
//	func run(_ context.Context,         =>      context2 "context"
//		context string) {                   )
//		exec.Command(...)                   func run(_ context.Context, context string) {
//	                                            newInprocCmd(context2.Background(), ...)
//
// TODO(procmigrate): a file that then imports a path twice is one the
// restorer cannot print again, so a later run that must change it again
// leaves its sites unchanged (see duplicateImport).
func (e *editor) qualifyAt(n ast.Node, df *dst.File, path string) {
	af := e.astFile(df)
	name, imported := fileImportName(af, path)
	if name == "" {
		name = importResolver(e.x)[path]
		if name == "" {
			name = path[strings.LastIndex(path, "/")+1:]
		}
	}
	scope := e.x.pkg.Types.Scope().Innermost(n.Pos())
	if scope == nil || name == "_" || name == "." {
		return
	}
	_, obj := scope.LookupParent(name, n.Pos())
	if _, isPkg := obj.(*types.PkgName); obj == nil || isPkg {
		return // free, or the import's, which the restorer handles
	}
	if e.aliases[df][path] != "" {
		return // aliased for earlier new code
	}
	alias := fresh(name, e.identNames(), e.taken)
	e.taken[alias] = true
	e.changed[df] = true
	if !imported {
		importAs(df, path, alias)
		return
	}
	if e.aliases[df] == nil {
		e.aliases[df] = map[string]string{}
	}
	e.aliases[df][path] = alias
}

// astFile returns the parsed file decorated as df.
func (e *editor) astFile(df *dst.File) *ast.File {
	for af, d := range e.files {
		if d == df {
			return af
		}
	}
	panic("rewrite: decorated file without its source")
}

// fileImportName returns the name under which f imports path, and whether
// it imports it at all.
func fileImportName(f *ast.File, path string) (string, bool) {
	for _, spec := range f.Imports {
		if p, err := strconv.Unquote(spec.Path.Value); err != nil || p != path {
			continue
		}
		if spec.Name != nil {
			return spec.Name.Name, true
		}
		return "", true
	}
	return "", false
}

// qualifyNew rewrites the uses of the aliased paths of df in code the
// rewrite wrote, which are qualified identifiers absent from the original
// decoration, as selectors on their alias, which the restorer leaves alone.
func (e *editor) qualifyNew(df *dst.File) {
	aliases := e.aliases[df]
	if len(aliases) == 0 {
		return
	}
	orig := map[dst.Node]bool{}
	for _, d := range e.dec.Dst.Nodes {
		orig[d] = true
	}
	dstutil.Apply(df, func(c *dstutil.Cursor) bool {
		id, ok := c.Node().(*dst.Ident)
		if !ok || orig[id] || aliases[id.Path] == "" {
			return true
		}
		sel := &dst.SelectorExpr{X: &dst.Ident{Name: aliases[id.Path]}, Sel: &dst.Ident{Name: id.Name}}
		sel.Decs.NodeDecs = id.Decs.NodeDecs
		c.Replace(sel)
		return false
	}, nil)
}

// secondImports adds to src, a printed file, the imports under an alias of
// the paths it imports already, for the new code qualifyNew qualified.
func (e *editor) secondImports(df *dst.File, src []byte) ([]byte, error) {
	aliases := e.aliases[df]
	if len(aliases) == 0 {
		return src, nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	paths := make([]string, 0, len(aliases))
	for path := range aliases {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		astutil.AddNamedImport(fset, f, aliases[path], path)
	}
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// identNames returns every identifier spelled in the package's files, the
// names a name the rewrite introduces into a scope must not be.
func (e *editor) identNames() map[string]bool {
	names := map[string]bool{}
	for _, f := range e.x.files {
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				names[id.Name] = true
			}
			return true
		})
	}
	return names
}

func importPath(is *dst.ImportSpec) string {
	path, err := strconv.Unquote(is.Path.Value)
	if err != nil {
		return is.Path.Value
	}
	return path
}

// isCgoImport reports whether gd is an import of "C" alone, which keeps
// the preamble above it and is never grouped with other imports.
func isCgoImport(gd *dst.GenDecl) bool {
	return len(gd.Specs) == 1 && importPath(gd.Specs[0].(*dst.ImportSpec)) == "C"
}

// isStdPath reports whether path is of the standard library, as goimports
// tells: its first element has no dot.
func isStdPath(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// commonPrefix returns how many leading path elements a and b share.
func commonPrefix(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	n := 0
	for n < len(as) && n < len(bs) && as[n] == bs[n] {
		n++
	}
	return n
}

// duplicateImport returns a path that f imports more than once, as
// "net/url" and urlpkg "net/url", or "unsafe" and _ "unsafe", or "". The
// restorer knows a package by its path alone: it would print every use of
// such a package with one name and drop or rename the other imports.
func duplicateImport(f *ast.File) string {
	seen := map[string]bool{}
	for _, spec := range f.Imports {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue
		}
		if seen[path] {
			return path
		}
		seen[path] = true
	}
	return ""
}

// localRuntimeName returns why code the rewrite changes for a site cannot
// name the runtime, or "": a local declaration in the spawning function,
// the function holding the role's branch or worker code, with the name of
// one of the runtime's functions or types, such as a variable called
// newInprocCmd, would hide it from the code the rewrite writes there. A
// package-level one is runtimeClash's.
func localRuntimeName(x *pkgIndex, s *workers.Spawn, d *workers.Dispatch, reach []*ast.FuncDecl) string {
	names := map[string]bool{}
	for _, name := range runtimeNames() {
		names[name] = true
	}
	funcs := append([]*ast.FuncDecl{s.Func, d.Func}, reach...)
	var first *ast.Ident
	var in *ast.FuncDecl
	for _, fd := range funcs {
		if fd == nil || first != nil {
			continue // the first function with one is named
		}
		ast.Inspect(fd, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok || !names[id.Name] || id == fd.Name {
				return true
			}
			switch obj := x.info.Defs[id].(type) {
			case *types.Var:
				if obj.IsField() {
					return true
				}
			case *types.Const, *types.TypeName, *types.Func:
			default:
				return true
			}
			if first == nil || id.Pos() < first.Pos() {
				first, in = id, fd
			}
			return true
		})
	}
	if first == nil {
		return ""
	}
	return fmt.Sprintf("%s declares %s at %s, which would hide the in-process runtime's %s from the code the rewrite writes there",
		in.Name.Name, first.Name, x.pos(first.Pos()), first.Name)
}
