// Package genmod writes a Go module of a chosen number of packages, full of
// the worker shapes procmigrate looks for and of the ordinary code around
// them, for docs/bench-kit.sh to measure migrate check and migrate rewrite
// on a tree of known size.
//
// Packages come in a fixed cycle of eight, so that a module of any size has
// the same mix and cost can be compared per package:
//
//	lib     plain code: no os, no os/exec, no go statement
//	osfile  imports os (files and the environment), but spawns nothing
//	worker  a main package that re-executes itself as a worker
//	conc    go statements, channels and a sync.WaitGroup
//	lib, osfile, worker, lib
//
// The worker packages cycle through the shapes of Shapes, each rewritten to
// a known level. Every package has the same body of ordinary code around
// what makes its kind (Config.Blocks blocks of about 60 lines) and an
// in-package test file, and all but the first import an earlier non-main
// package, so that the tree is loaded as a graph of dependencies rather
// than as unrelated roots.
package genmod

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"strings"
	"text/template"
)

// Config says what to generate.
type Config struct {
	// Module is the module path; the packages are Module/pNNN.
	Module string
	// Packages is the number of packages, when Lines is 0.
	Packages int
	// Lines, when not 0, is the size of the module instead: packages are
	// added until their files have at least this many lines.
	Lines int
	// Blocks is the number of blocks of ordinary code per package, about 60
	// lines each; 5 makes packages of about 400 lines with their tests.
	Blocks int
}

// Kind is what a generated package is, beyond its ordinary code.
type Kind string

// The kinds of package, in the order of the cycle.
const (
	Lib    Kind = "lib"
	OSFile Kind = "osfile"
	Worker Kind = "worker"
	Conc   Kind = "conc"
)

// cycle is the kind of package i, by i modulo its length.
var cycle = [...]Kind{Lib, OSFile, Worker, Conc, Lib, OSFile, Worker, Lib}

// Shape is one way a worker program starts and talks to its workers.
type Shape struct {
	Name string
	// Level is what migrate rewrite makes of its spawn site, the name of a
	// rewrite.Level constant: TypedChannels, InProcess or Unchanged.
	Level string
	// Doc says what the shape is, for the generated package comment.
	Doc  string
	tmpl *template.Template
}

// Stats is what Generate wrote.
type Stats struct {
	Packages int
	Files    int
	Lines    int
	Kinds    map[Kind]int
	Shapes   map[string]int // worker packages per shape
}

// KindOf returns the kind of package i and, for a worker, its shape.
func KindOf(i int) (Kind, *Shape) {
	k := cycle[i%len(cycle)]
	if k != Worker {
		return k, nil
	}
	// Two worker slots per cycle: the n-th worker package has shape n.
	n := i/len(cycle)*2 + countWorkers(i%len(cycle))
	return k, &Shapes[n%len(Shapes)]
}

// countWorkers returns the worker slots of the cycle before position pos.
func countWorkers(pos int) int {
	n := 0
	for _, k := range cycle[:pos] {
		if k == Worker {
			n++
		}
	}
	return n
}

// Generate writes the module into dir, which must not exist or be empty.
func Generate(dir string, cfg Config) (*Stats, error) {
	if cfg.Module == "" || cfg.Packages < 1 && cfg.Lines < 1 || cfg.Blocks < 1 {
		return nil, fmt.Errorf("generate module: need a module path, a number of packages or lines, and at least one block; got %q, %d packages, %d lines, %d blocks", cfg.Module, cfg.Packages, cfg.Lines, cfg.Blocks)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("generate module: %s is not empty", dir)
	}
	st := &Stats{Kinds: map[Kind]int{}, Shapes: map[string]int{}}
	w := &writer{dir: dir, st: st}
	w.file("go.mod", []byte(fmt.Sprintf("module %s\n\ngo 1.22\n", cfg.Module)), false)
	more := func(i int) bool {
		if cfg.Lines > 0 {
			return st.Lines < cfg.Lines
		}
		return i < cfg.Packages
	}
	for i := 0; more(i) && w.err == nil; i++ {
		kind, shape := KindOf(i)
		st.Packages++
		st.Kinds[kind]++
		d := pkgData{
			Module: cfg.Module,
			Name:   pkgName(i),
			I:      i,
			Kind:   kind,
			Dep:    dependency(i),
		}
		if d.Dep >= 0 {
			d.DepName = pkgName(d.Dep)
		}
		for b := 0; b < cfg.Blocks; b++ {
			d.Blocks = append(d.Blocks, b)
		}
		if kind == Worker {
			d.Name = "main"
			d.Shape = shape
			st.Shapes[shape.Name]++
		}
		w.pkg(i, d)
	}
	return st, w.err
}

// pkgName is the directory and, but for workers, the name of package i.
func pkgName(i int) string { return fmt.Sprintf("p%03d", i) }

// dependency returns the non-main package that package i imports, or -1:
// the nearest such package on the way from i to the root of a binary
// tree over the indices, so that import chains are about log2(n) deep.
func dependency(i int) int {
	for p := (i - 1) / 2; i > 0; p = (p - 1) / 2 {
		if k, _ := KindOf(p); k != Worker {
			return p
		}
		if p == 0 {
			break
		}
	}
	return -1
}

// pkgData is what the templates of one package are executed with.
type pkgData struct {
	Module  string
	Name    string // package name
	I       int
	Kind    Kind
	Dep     int // index of the imported package, -1 for none
	DepName string
	Blocks  []int
	Shape   *Shape
}

// writer writes files, keeping the first error and the counts.
type writer struct {
	dir string
	st  *Stats
	err error
}

func (w *writer) pkg(i int, d pkgData) {
	dir := pkgName(i)
	w.file(filepath.Join(dir, "code.go"), w.exec(codeTmpl, d), true)
	w.file(filepath.Join(dir, "code_test.go"), w.exec(testTmpl, d), true)
	switch d.Kind {
	case OSFile:
		w.file(filepath.Join(dir, "files.go"), w.exec(osfileTmpl, d), true)
	case Conc:
		w.file(filepath.Join(dir, "pool.go"), w.exec(concTmpl, d), true)
	case Worker:
		w.file(filepath.Join(dir, "main.go"), w.exec(d.Shape.tmpl, d), true)
	}
}

func (w *writer) exec(t *template.Template, d pkgData) []byte {
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil && w.err == nil {
		w.err = fmt.Errorf("generate %s: %w", pkgName(d.I), err)
	}
	return b.Bytes()
}

// file writes data to name under the module, gofmt'ed when goSrc.
func (w *writer) file(name string, data []byte, goSrc bool) {
	if w.err != nil {
		return
	}
	if goSrc {
		src, err := format.Source(data)
		if err != nil {
			// A template bug: show where, since the file is not written.
			w.err = fmt.Errorf("generate %s: %w", name, err)
			return
		}
		data = src
	}
	path := filepath.Join(w.dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		w.err = err
		return
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		w.err = err
		return
	}
	w.st.Files++
	w.st.Lines += bytes.Count(data, []byte("\n"))
}

// parse parses a template of the package, whose blocks share these helpers.
func parse(name, text string) *template.Template {
	return template.Must(template.New(name).Funcs(template.FuncMap{
		"title": func(s string) string { return strings.ToUpper(s[:1]) + s[1:] },
	}).Parse(text))
}
