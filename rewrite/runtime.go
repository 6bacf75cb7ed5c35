package rewrite

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
)

// runtimeSource is the in-process runtime copied into each migrated package;
// see package inproc.
//
//go:embed inproc/runtime.go
var runtimeSource string

// runtimeFile is the name of the runtime's copy in a migrated package.
const runtimeFile = "procmigrate_inproc.go"

// runtimeNames returns the package-level names the runtime declares and
// the names of the packages it imports.
func runtimeNames() []string {
	f, err := parser.ParseFile(token.NewFileSet(), runtimeFile, runtimeSource, parser.SkipObjectResolution)
	if err != nil {
		panic(fmt.Sprintf("rewrite: embedded runtime does not parse: %v", err))
	}
	var names []string
	for _, imp := range f.Imports {
		// A package-level name equal to an import's would clash with it.
		path := strings.Trim(imp.Path.Value, `"`)
		names = append(names, path[strings.LastIndex(path, "/")+1:])
	}
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
