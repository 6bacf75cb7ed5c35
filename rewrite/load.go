package rewrite

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/procmigrate/procmigrate/internal/loaderr"
)

// loadMode is what the rewriter needs of each package: syntax with types for
// the packages asked for, and types (from export data) for their imports.
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports |
	packages.NeedModule | packages.NeedExportFile

// load loads the packages matched by cfg with their tests. For a package
// that has in-package tests it keeps only the test variant, whose files are a
// superset of the package's, so a rewrite is checked against the tests that
// use what it changes. External test packages and test mains are dropped:
// the rewriter does not change them.
//
// Any error in a matched package is an error of the whole run, so that
// nothing is written on the strength of a partial view. It is reported as
// migrate check reports it (loaderr.First), at the position go/packages
// gives it.
func load(cfg Config) ([]*packages.Package, error) {
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("resolve directory: %w", err)
	}
	if fi, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("open directory %s: %w", cfg.Dir, err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", cfg.Dir)
	}
	patterns := cfg.Patterns
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	pcfg := &packages.Config{Mode: loadMode, Dir: dir, Tests: true}
	pkgs, err := packages.Load(pcfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("load packages: %w", err)
	}
	if err := loaderr.First(dir, pkgs); err != nil {
		return nil, err
	}

	variant := map[string]*packages.Package{}
	var order []string
	for _, p := range pkgs {
		switch {
		case strings.HasSuffix(p.ID, ".test"):
			continue // the generated test main
		case p.ForTest != "" && p.PkgPath != p.ForTest:
			continue // an external test package
		}
		old, seen := variant[p.PkgPath]
		if !seen {
			order = append(order, p.PkgPath)
		}
		if !seen || len(p.GoFiles) > len(old.GoFiles) {
			variant[p.PkgPath] = p
		}
	}
	if len(order) == 0 {
		return nil, loaderr.NoPackages(dir, patterns)
	}
	out := make([]*packages.Package, 0, len(order))
	for _, path := range order {
		out = append(out, variant[path])
	}
	return out, nil
}
