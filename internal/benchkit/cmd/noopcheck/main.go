// Command noopcheck runs the noop analyzer through singlechecker: the
// baseline migrate check is measured against (noopcheck std loads and
// type-checks std from source, tests included, and analyses nothing), and,
// given as go vet's -vettool, the floor of the go vet tool protocol.
package main

import (
	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/procmigrate/procmigrate/internal/benchkit/noop"
)

func main() { singlechecker.Main(noop.Analyzer) }
