// Package noop is an analyzer that looks at nothing, the baseline of the
// performance scripts: run through a driver, its cost is the driver's own
// (finding, loading and type-checking the packages, or the go vet tool
// protocol), which migrate check and migrate as -vettool are held against.
package noop

import "golang.org/x/tools/go/analysis"

// Analyzer reports nothing and returns no result. It has no Requires, no
// facts and does not walk the syntax, so a driver loads no more than the
// packages asked for and spends nothing beyond loading them.
var Analyzer = &analysis.Analyzer{
	Name: "noop",
	Doc:  "report nothing\n\nThe noop analyzer is the baseline of docs/bench-kit.sh: what a driver costs with an analyzer that does no work.",
	Run:  func(*analysis.Pass) (any, error) { return nil, nil },
}
