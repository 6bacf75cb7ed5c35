package workers

import (
	"errors"
	"go/build"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
)

// ModuleRoot returns the directory of the go.mod that declares module
// modPath and holds dir, looking in dir and its parents, or "" when there
// is none: the package is then not in that module's tree on this disk.
func ModuleRoot(dir, modPath string) string {
	if modPath == "" || dir == "" {
		return ""
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			if modfile.ModulePath(data) == modPath {
				return dir
			}
			return "" // the nearest go.mod is another module's
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// MainPackage returns the import path of the main package of the module
// rooted at root, with module path modPath, that ref names, or "":
//
//   - for go run (ref.Dir set), the package in that directory;
//   - otherwise the first main package, in lexical order of directories,
//     whose directory is named ref.Name, which is what go build and go
//     install name its binary; or the module's root package when the
//     module path ends in ref.Name.
//
// Like the go command, it skips directories named testdata or vendor or
// starting with . or _, and nested modules. A directory counts as a main
// package when its Go files for this platform, build constraints
// applied, declare package main; a file under //go:build ignore does not
// make one.
func MainPackage(root, modPath string, ref BinaryRef) string {
	if root == "" || ref.Name == "" {
		return ""
	}
	if ref.Dir != "" {
		dir := filepath.Join(root, filepath.FromSlash(ref.Dir))
		if !strings.HasPrefix(ref.Dir, "../") && isMainDir(dir) {
			return path.Join(modPath, ref.Dir)
		}
		return ""
	}
	if path.Base(modPath) == ref.Name && isMainDir(root) {
		return modPath
	}
	found := ""
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() || p == root {
			return nil // unreadable entries are skipped, not fatal
		}
		name := d.Name()
		if name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			return filepath.SkipDir
		}
		if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
			return filepath.SkipDir // another module
		}
		if name == ref.Name && isMainDir(p) {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return nil
			}
			found = path.Join(modPath, filepath.ToSlash(rel))
			return filepath.SkipAll
		}
		return nil
	})
	if err != nil && !errors.Is(err, filepath.SkipAll) {
		return ""
	}
	return found
}

// isMainDir reports whether dir holds a main package for this platform.
func isMainDir(dir string) bool {
	p, err := build.Default.ImportDir(dir, 0)
	return err == nil && p.Name == "main"
}
