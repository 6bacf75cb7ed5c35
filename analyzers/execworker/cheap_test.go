package execworker

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// TestNoStartNoWalk checks that a package that imports os but starts no
// process costs execworker next to nothing once workers.Analyzer has
// found no start in it: the package is not walked a second time. Most
// packages that import os, tests above all, are such packages. The cost
// is counted in allocations, which do not depend on the machine; walking
// the package again to describe its starts allocates for every function.
func TestNoStartNoWalk(t *testing.T) {
	fset := token.NewFileSet()
	// A stand-in for package os: what matters is the import path.
	osPkg := check(t, fset, "os", "package os\n\nvar Args []string\n\nfunc Getenv(key string) string { return key }\n", nil)

	var src strings.Builder
	src.WriteString("package big\n\nimport \"os\"\n\n")
	for i := range 200 {
		fmt.Fprintf(&src, "func f%d(s []string) string {\n\tv := os.Getenv(\"K\")\n\tfor _, x := range s {\n\t\tv += x\n\t}\n\treturn v\n}\n\n", i)
	}
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
	}
	file := parse(t, fset, "big.go", src.String())
	conf := types.Config{Importer: importerFunc(func(path string) (*types.Package, error) { return osPkg, nil })}
	pkg, err := conf.Check("big", fset, []*ast.File{file}, info)
	if err != nil {
		t.Fatal(err)
	}
	if !workers.MayStart(pkg) || !workers.Modelled(pkg) {
		t.Fatal("the package does not look as if it may start a process")
	}

	pass := &analysis.Pass{
		Analyzer:         Analyzer,
		Fset:             fset,
		Files:            []*ast.File{file},
		Pkg:              pkg,
		TypesInfo:        info,
		ResultOf:         map[*analysis.Analyzer]any{workers.Analyzer: workers.Find([]*ast.File{file}, info, pkg)},
		Report:           func(d analysis.Diagnostic) { t.Errorf("reported %s", d.Message) },
		ImportObjectFact: func(types.Object, analysis.Fact) bool { return false },
		ExportObjectFact: func(types.Object, analysis.Fact) {},
		AllObjectFacts:   func() []analysis.ObjectFact { return nil },
	}
	allocs := testing.AllocsPerRun(10, func() {
		if _, err := run(pass); err != nil {
			t.Fatal(err)
		}
	})
	// What is left is the pass's own closures; describing the package's
	// starts again walks its 200 functions and allocates some 600 times.
	if allocs > 20 {
		t.Errorf("execworker allocates %.0f times on a package that starts nothing, want at most 20", allocs)
	}
}

func parse(t *testing.T, fset *token.FileSet, name, src string) *ast.File {
	t.Helper()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// check type-checks one file as package path.
func check(t *testing.T, fset *token.FileSet, path, src string, imp types.Importer) *types.Package {
	t.Helper()
	if imp == nil {
		imp = importer.Default()
	}
	conf := types.Config{Importer: imp}
	pkg, err := conf.Check(path, fset, []*ast.File{parse(t, fset, path+".go", src)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
