package execworker

import (
	"go/types"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// options tells workers.FindWith what the pass shows beyond its package:
// the module it belongs to, that module's main packages on disk, and the
// facts of the packages it imports.
func options(pass *analysis.Pass, isolation func(*types.Func) string) workers.Options {
	mod := ""
	if pass.Module != nil {
		mod = pass.Module.Path
	}
	root, rootFound := "", false
	return workers.Options{
		InModule: func(path string) bool { return inModule(mod, pass.Pkg.Path(), path) },
		MainPackage: func(ref workers.BinaryRef) string {
			if !rootFound {
				root, rootFound = moduleRoot(pass, mod), true
			}
			return workers.MainPackage(root, mod, ref)
		},
		Isolation: isolation,
	}
}

// inModule reports whether the package path belongs to module mod, of
// which pkg is a package. Outside modules (GOPATH mode, as analysistest
// runs), a package counts when its path starts with the same element as
// pkg's.
func inModule(mod, pkg, path string) bool {
	if mod != "" {
		return path == mod || strings.HasPrefix(path, mod+"/")
	}
	first := func(p string) string { f, _, _ := strings.Cut(p, "/"); return f }
	return first(path) == first(pkg)
}

// moduleRoot returns the directory of module mod, which the package is
// in: the module's own directory when the driver gives it (migrate check
// does), else the go.mod found above the package's files (go vet gives
// only the path). It is "" outside modules, or when the files are not
// where their positions say, as under some build systems: the module's
// main packages are then not known, and other binaries are taken for
// other programs.
func moduleRoot(pass *analysis.Pass, mod string) string {
	if mod == "" {
		return ""
	}
	if pass.Module.Dir != "" {
		return pass.Module.Dir
	}
	for _, f := range pass.Files {
		name := pass.Fset.Position(f.Package).Filename
		if filepath.IsAbs(name) {
			return workers.ModuleRoot(filepath.Dir(name), mod)
		}
	}
	return ""
}
