package rewrite

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
	"golang.org/x/tools/go/packages"
)

// exportIndex finds compiled export data for import paths, first from the
// packages already loaded and then, for paths the rewrite introduces, from
// the go command.
type exportIndex struct {
	dir   string
	files map[string]string
}

func newExportIndex(dir string, pkgs []*packages.Package) *exportIndex {
	ix := &exportIndex{dir: dir, files: map[string]string{}}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if p.ExportFile != "" {
			ix.files[p.PkgPath] = p.ExportFile
		}
	})
	return ix
}

// ensure finds export data for paths and their dependencies that are not
// known yet.
func (ix *exportIndex) ensure(paths []string) error {
	var missing []string
	for _, p := range paths {
		if _, ok := ix.files[p]; !ok {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	args := append([]string{"list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}"}, missing...)
	cmd := exec.Command("go", args...)
	cmd.Dir = ix.dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("list export data of %s: %v: %s", strings.Join(missing, " "), err, strings.TrimSpace(stderr.String()))
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if path, file, ok := strings.Cut(line, "\t"); ok && file != "" {
			ix.files[path] = file
		}
	}
	return nil
}

// originalLine returns the line of before that line of after was, or false
// when the rewrite wrote that line.
func originalLine(before, after string, line int) (int, bool) {
	oldLine, newLine, pos := 1, 1, 0
	for _, e := range udiff.Lines(before, after) {
		same := strings.Count(before[pos:e.Start], "\n")
		if line < newLine+same {
			return oldLine + line - newLine, true
		}
		oldLine, newLine = oldLine+same, newLine+same
		added := strings.Count(e.New, "\n")
		if line < newLine+added {
			return 0, false
		}
		oldLine += strings.Count(before[e.Start:e.End], "\n")
		newLine += added
		pos = e.End
	}
	return oldLine + line - newLine, true
}

// typeCheck type-checks a package made of the given files, which map file
// names to contents, in a universe of its own built from export data. It
// returns the first error as file:line:col: message, positioned in the
// source the user has (old holds the original of each changed file) or
// marked as being in code the rewrite writes.
//
// err is a failure of the environment, or printed code that does not
// parse, which is a bug of the rewriter; neither is the site's fault.
func typeCheck(ix *exportIndex, pkg *packages.Package, files, old map[string][]byte) (typeErr, err error) {
	fset := token.NewFileSet()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	var syntax []*ast.File
	var imports []string
	for _, name := range names {
		f, err := parser.ParseFile(fset, name, files[name], parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("parse rewritten %s: %w", filepath.Base(name), err)
		}
		syntax = append(syntax, f)
		for _, spec := range f.Imports {
			if path := strings.Trim(spec.Path.Value, `"`); path != "C" {
				imports = append(imports, path)
			}
		}
	}
	if err := ix.ensure(imports); err != nil {
		return nil, err
	}
	var first error
	conf := types.Config{
		Importer: ix.importer(fset),
		// The C in a cgo package is not the rewrite's to check; see
		// cgoSource.
		FakeImportC: importsC(syntax),
		Sizes:       pkg.TypesSizes,
		Error: func(err error) {
			if first == nil && !(importsC(syntax) && fakeCError(err)) {
				first = err
			}
		},
	}
	if pkg.Module != nil && pkg.Module.GoVersion != "" {
		conf.GoVersion = "go" + pkg.Module.GoVersion
	}
	conf.Check(pkg.PkgPath, fset, syntax, nil)
	if first == nil {
		return nil, nil
	}
	var terr types.Error
	if !errors.As(first, &terr) {
		return first, nil
	}
	p := terr.Fset.Position(terr.Pos)
	base := filepath.Base(p.Filename)
	orig, changed := old[p.Filename]
	switch {
	case !changed:
		return fmt.Errorf("%s:%d:%d: %s", base, p.Line, p.Column, terr.Msg), nil
	case orig == nil:
		return fmt.Errorf("%s (which the rewrite adds):%d:%d: %s", base, p.Line, p.Column, terr.Msg), nil
	}
	if line, ok := originalLine(string(orig), string(files[p.Filename]), p.Line); ok {
		return fmt.Errorf("%s:%d:%d: %s", base, line, p.Column, terr.Msg), nil
	}
	return fmt.Errorf("%s, in code the rewrite writes: %s", base, terr.Msg), nil
}
