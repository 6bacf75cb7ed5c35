package lsp

import (
	"bytes"
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"

	"go.lsp.dev/uri"
	"golang.org/x/tools/go/packages"
)

// A snapshot is the open files at the start of a run.
type snapshot struct {
	texts    map[string][]byte // by path
	versions map[string]int32
	uris     map[string]uri.URI

	// unsaved holds the texts that differ from the disk, or are not on it,
	// and disk what the disk has for them.
	unsaved map[string][]byte
	disk    map[string][]byte
}

// snapshot copies the open files and compares them with the disk.
func (s *server) snapshot() *snapshot {
	s.mu.Lock()
	snap := &snapshot{
		texts:    make(map[string][]byte, len(s.docs)),
		versions: make(map[string]int32, len(s.docs)),
		uris:     make(map[string]uri.URI, len(s.docs)),
		unsaved:  make(map[string][]byte),
		disk:     make(map[string][]byte),
	}
	for path, doc := range s.docs {
		snap.texts[path] = doc.text
		snap.versions[path] = doc.version
		snap.uris[path] = doc.uri
	}
	s.mu.Unlock()

	// Compare outside s.mu, which the read goroutine needs.
	for path, text := range snap.texts {
		disk, err := os.ReadFile(path)
		if err == nil && bytes.Equal(disk, text) {
			continue
		}
		snap.unsaved[path] = text
		if err == nil {
			snap.disk[path] = disk
		}
	}
	return snap
}

// uri returns how the editor names path.
func (snap *snapshot) uri(path string) uri.URI {
	if u, ok := snap.uris[path]; ok {
		return u
	}
	return uri.File(path)
}

func (snap *snapshot) isOpen(path string) bool {
	_, ok := snap.uris[path]
	return ok
}

// load loads the packages in dir, with their tests, from the unsaved
// texts of snap where they differ from the disk.
//
// Given a Config.Overlay, go/packages trusts no export data and
// type-checks every dependency from source, which takes seconds for a
// package that imports testing. So load first reads the disk as go list
// sees it and only substitutes the unsaved texts when it parses the files
// of dir. When that is not faithful to the unsaved texts, it loads again
// with the overlay.
//
// TODO(procmigrate): keep the types and facts of dependencies from one run
// to the next, as gopls does. With an analyzer that uses facts, as
// procglobal does, every run type-checks every dependency from source
// anyway, a second or more for a small command.
//
// TODO(procmigrate): an analyzer's pass.ReadFile reads the disk, not the
// unsaved text: the checker has no hook for it. None of the analyzers
// reads files today.
func (s *server) load(ctx context.Context, dir string, snap *snapshot) ([]*packages.Package, error) {
	cfg := s.config(ctx, dir, snap)
	pkgs, err := packages.Load(cfg, ".")
	if err != nil || len(snap.unsaved) == 0 || s.faithful(dir, pkgs, snap) {
		return pkgs, err
	}
	cfg.Overlay = snap.unsaved
	return packages.Load(cfg, ".")
}

// config returns the configuration that loads the packages in dir, with
// their tests, from the disk but for the unsaved texts of dir's files.
func (s *server) config(ctx context.Context, dir string, snap *snapshot) *packages.Config {
	return &packages.Config{
		Context: ctx,
		Dir:     dir,
		Mode:    s.opts.Mode | packages.LoadSyntax | packages.NeedModule,
		Tests:   true,
		ParseFile: func(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
			if text, ok := snap.unsaved[filename]; ok {
				src = text
			}
			return parser.ParseFile(fset, filename, src, parser.AllErrors|parser.ParseComments)
		},
	}
}

// faithful reports whether pkgs, loaded from the disk with the unsaved
// texts parsed in place of the files of dir, are what an overlay would
// give: each unsaved file of dir is a file of one of its packages, with
// the same build constraints as on disk, and no unsaved file is in a
// dependency, which go list saw as it is on disk. Any error, such as an
// import that go list did not see, lets the overlay have the last word.
func (s *server) faithful(dir string, pkgs []*packages.Package, snap *snapshot) bool {
	ok := true
	listed := make(map[string]bool)
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		inDir := len(filesIn(dir, p)) > 0
		if inDir && s.opts.LoadError(dir, []*packages.Package{p}) != nil {
			ok = false
		}
		for _, f := range p.GoFiles {
			if _, unsaved := snap.unsaved[f]; unsaved && !inDir {
				ok = false // a dependency as on disk
			}
			listed[f] = true
		}
	})
	for path, text := range snap.unsaved {
		if filepath.Dir(path) != dir {
			continue
		}
		disk, onDisk := snap.disk[path]
		if !listed[path] || !onDisk || !bytes.Equal(header(text), header(disk)) {
			return false
		}
	}
	return ok
}

// header returns what comes before the package clause of a Go file: its
// build constraints among comments.
func header(src []byte) []byte {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.PackageClauseOnly)
	if err != nil {
		return src // compared whole, so that any difference counts
	}
	return src[:fset.Position(f.Package).Offset]
}
