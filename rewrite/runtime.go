package rewrite

import (
	"bytes"
	_ "embed"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
)

// runtimeSource is the in-process runtime copied into each migrated package;
// see package inproc.
//
//go:embed inproc/runtime.go
var runtimeSource string

// runtimeFile is the name of the runtime's copy in a migrated package.
const runtimeFile = "procmigrate_inproc.go"

// runtimeNames returns the package-level names the runtime declares. The
// names of the packages it imports are left out: where the package takes
// one, the copy imports that package under an alias (see aliasRuntime).
func runtimeNames() []string {
	f, err := parser.ParseFile(token.NewFileSet(), runtimeFile, runtimeSource, parser.SkipObjectResolution)
	if err != nil {
		panic(fmt.Sprintf("rewrite: embedded runtime does not parse: %v", err))
	}
	var names []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				names = append(names, d.Name.Name)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					names = append(names, s.Name.Name)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						names = append(names, n.Name)
					}
				}
			}
		}
	}
	return names
}

var packageClause = regexp.MustCompile(`(?m)^package inproc$`)

// runtimeFor returns the runtime's source for package name. The package doc
// comment becomes a file comment, so the copy documents itself without
// claiming to document the user's package.
func runtimeFor(name string) []byte {
	src := packageClause.ReplaceAllString(runtimeSource, "\npackage "+name)
	src = strings.Replace(src, "// Package inproc is the runtime", "// It is the runtime", 1)
	return []byte("// This file was written by procmigrate (github.com/procmigrate/procmigrate)\n" +
		"// when it moved this package's worker processes into goroutines. It is\n" +
		"// ordinary code of the package now: read it, test it, change it.\n//\n" +
		src)
}

// runtimeAliases returns, for each package the runtime imports whose name
// the package scope of x takes, as a variable called sync takes sync, an
// alias that neither the package scope nor the runtime spells. An import
// is in its file's scope and a package variable in every file's: the two
// cannot share a name.
func runtimeAliases(x *pkgIndex) map[string]string {
	f, err := parser.ParseFile(token.NewFileSet(), runtimeFile, runtimeSource, parser.SkipObjectResolution)
	if err != nil {
		panic(fmt.Sprintf("rewrite: embedded runtime does not parse: %v", err))
	}
	spelled := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			spelled[id.Name] = true
		}
		return true
	})
	scope := map[string]bool{}
	for _, name := range x.pkg.Types.Scope().Names() {
		scope[name] = true
	}
	aliases := map[string]string{}
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue
		}
		name := path[strings.LastIndex(path, "/")+1:]
		if scope[name] {
			alias := fresh(name, scope, spelled)
			spelled[alias] = true
			aliases[path] = alias
		}
	}
	return aliases
}

// aliasRuntime imports each path of aliases in src, the runtime's source,
// under its alias, and qualifies every use of the package with it.
func aliasRuntime(src []byte, aliases map[string]string) ([]byte, error) {
	if len(aliases) == 0 {
		return src, nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, runtimeFile, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	renamed := map[string]string{} // package name to alias
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil || aliases[path] == "" {
			continue
		}
		name := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		renamed[name] = aliases[path]
		imp.Name = &ast.Ident{Name: aliases[path], NamePos: imp.Path.Pos()}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		// The parser leaves a name it cannot resolve in the file, as an
		// imported package's, without an object.
		if id, ok := sel.X.(*ast.Ident); ok && id.Obj == nil && renamed[id.Name] != "" {
			id.Name = renamed[id.Name]
		}
		return true
	})
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
