package cgocall

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// Both go/packages (migrate check) and the go command (go vet -vettool)
// hand an analyzer the files cgo generated, not the files as written: in
//
//	tok := C.strtok(s, sep)
//
// the pass sees
//
//	tok := ( /*line :12:9*/_Cfunc_strtok /*line :12:17*/)(s, sep)
//
// where a //line directive at the top and the /*line*/ comments map every
// position back to the file as written, and the preamble is gone from the
// code. So the analyzer works in both: it follows calls and types in the
// generated files, and reads the preamble from the file as written, which
// it parses again into the pass's file set, both to find each C call there
// and to edit it in a fix.

// cgoFile is one file that imports "C".
type cgoFile struct {
	cooked *ast.File // as cgo generated it, type-checked by the pass
	name   string    // path of the file as written
	orig   *ast.File // as written, nil if it cannot be read or parsed
	src    []byte    // contents of orig
	tok    *token.File
	unit   *cUnit // the C code of its preamble, nil if none or unreadable
	// calls are the C calls of orig, by the position of their C.name
	// selector and by the position of their end: cgo maps its reference
	// to one of the two.
	calls map[lineCol]inspector.Cursor
}

// lineCol is a position in the file as written.
type lineCol struct{ line, col int }

// loadCgoFiles returns the cgo files of the pass and the C code of the
// package: the preambles and the .c files the driver lists.
//
// TODO(procmigrate): go vet lists no .c files to its tool, so there only
// the preambles are read, and a function defined in a .c file counts as
// one of a library the package links.
func loadCgoFiles(pass *analysis.Pass) ([]*cgoFile, *cCode) {
	var (
		files []*cgoFile
		units []*cUnit
	)
	for _, f := range pass.Files {
		name := pass.Fset.Position(f.Package).Filename
		if name == pass.Fset.File(f.FileStart).Name() {
			continue // not rewritten by cgo: no import "C"
		}
		cf := &cgoFile{cooked: f, name: name}
		cf.read(pass.Fset)
		files = append(files, cf)
		if cf.unit != nil {
			units = append(units, cf.unit)
		}
	}
	for _, name := range pass.OtherFiles {
		if filepath.Ext(name) != ".c" {
			continue
		}
		src, err := pass.ReadFile(name)
		if err != nil {
			continue // unreadable: its functions stay unknown
		}
		if u, err := scanC(filepath.Base(name), string(src), false); err == nil {
			units = append(units, u)
		}
	}
	return files, newCCode(units)
}

// read parses the file as written and scans its preamble. Anything that
// fails leaves the file without that part: its calls are still reported
// from the generated file, without fixes.
//
// TODO(procmigrate): a build system that compiles copies of the sources
// names paths in the //line directives that may not exist where the
// analyzer runs; then only the generated files are read.
func (cf *cgoFile) read(fset *token.FileSet) {
	src, err := os.ReadFile(cf.name)
	if err != nil {
		return
	}
	orig, err := parser.ParseFile(fset, cf.name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return
	}
	cf.orig, cf.src, cf.tok = orig, src, fset.File(orig.FileStart)
	if text, ok := preamble(orig); ok {
		if u, err := scanC("the preamble of "+filepath.Base(cf.name), text, true); err == nil {
			cf.unit = u
		}
	}

	// Index the C calls.
	cf.calls = make(map[lineCol]inspector.Cursor)
	root := inspector.New([]*ast.File{orig}).Root()
	for cur := range root.Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		if cName(call) == "" {
			continue
		}
		cf.calls[cf.lineCol(ast.Unparen(call.Fun).Pos())] = cur
		cf.calls[cf.lineCol(call.End())] = cur
	}
}

func (cf *cgoFile) lineCol(pos token.Pos) lineCol {
	p := cf.tok.PositionFor(pos, false)
	return lineCol{p.Line, p.Column}
}

// cName returns f for a call C.f(...) written in Go, or "".
func cName(call *ast.CallExpr) string {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "C" {
		return ""
	}
	return sel.Sel.Name
}

// preamble returns the C text of the comment attached to import "C",
// without the comment markers.
func preamble(f *ast.File) (string, bool) {
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.IMPORT {
			continue
		}
		for _, spec := range gen.Specs {
			imp := spec.(*ast.ImportSpec)
			if path, _ := strconv.Unquote(imp.Path.Value); path != "C" {
				continue
			}
			doc := imp.Doc
			if doc == nil && !gen.Lparen.IsValid() {
				doc = gen.Doc
			}
			if doc == nil {
				return "", false
			}
			return commentText(doc), true
		}
	}
	return "", false
}

// commentText returns the text of the comments of g without their markers,
// a line for each line.
func commentText(g *ast.CommentGroup) string {
	var b strings.Builder
	for _, c := range g.List {
		text := c.Text
		if body, ok := strings.CutPrefix(text, "//"); ok {
			b.WriteString(body)
		} else {
			b.WriteString(strings.TrimSuffix(strings.TrimPrefix(text, "/*"), "*/"))
		}
		b.WriteByte('\n')
	}
	return b.String()
}
