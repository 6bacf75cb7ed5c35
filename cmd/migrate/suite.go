package main

import (
	"golang.org/x/tools/go/analysis"

	"github.com/procmigrate/procmigrate/analyzers/execworker"
	"github.com/procmigrate/procmigrate/analyzers/pipeipc"
)

// suite is every analyzer "migrate check" runs. It is the one list; add an
// analyzer here and it is checked, documented in help and tested.
var suite = []*analysis.Analyzer{
	execworker.Analyzer,
	pipeipc.Analyzer,
}
