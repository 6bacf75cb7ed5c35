// Package stateful is an analyzer with package-level state, which the
// global-state test must report, next to read-only tables and an embedded
// doc string, which it must not.
package stateful

import (
	_ "embed"
	"strings"

	"golang.org/x/tools/go/analysis"
)

//go:embed doc.txt
var doc string

var Analyzer = &analysis.Analyzer{
	Name: "stateful",
	Doc:  doc,
	Run:  run,
}

// Tables, only read.
var (
	limits = map[string]int{"main": 1}
	kinds  = [...]string{"worker", "pipe"}
	roles  = []string{"agent"}
	byKind = map[string]struct{ min, max int }{"worker": {1, 2}}
	format = strings.ToUpper
)

// State.
var (
	hits     int
	seen     = map[string]bool{}
	found    []string
	leaked   = map[string][]int{}
	Exported = 3
	pointed  int
	queue    = make(chan string, 1)
	cleared  = map[string]int{}
	builder  strings.Builder
)

var _ = run

func run(pass *analysis.Pass) (any, error) {
	hits++
	seen[pass.Pkg.Path()] = limits[pass.Pkg.Name()] > len(kinds)
	for _, k := range kinds {
		if k == pass.Pkg.Name() || len(roles) > 1 {
			found = append(found, format(k))
		}
	}
	for k, r := range byKind {
		_, _ = k, r.max
	}
	if lim, ok := byKind["worker"]; ok && lim.min > 0 {
		p := &pointed
		_ = p
	}
	builder.WriteString(pass.Pkg.Path())
	return lookup(), nil
}

func lookup() map[string][]int { return leaked }

func init() { clear(cleared) }
