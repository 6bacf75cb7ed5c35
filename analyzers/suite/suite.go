// Package suite holds the one list of analyzers procmigrate runs, shared by
// migrate check, the go vet tool and the golangci-lint plugin, so that an
// analyzer added here is run, documented in help and tested everywhere.
package suite

import (
	"golang.org/x/tools/go/analysis"

	"github.com/procmigrate/procmigrate/analyzers/cgocall"
	"github.com/procmigrate/procmigrate/analyzers/execworker"
	"github.com/procmigrate/procmigrate/analyzers/pipeipc"
	"github.com/procmigrate/procmigrate/analyzers/procglobal"
	"github.com/procmigrate/procmigrate/analyzers/sharedvar"
)

// All returns every analyzer procmigrate reports with, in the order help
// lists them. The slice is new on each call, so a caller may filter or
// reorder it without changing what the next caller gets.
func All() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		execworker.Analyzer,
		pipeipc.Analyzer,
		procglobal.Analyzer,
		cgocall.Analyzer,
		sharedvar.Analyzer,
	}
}
