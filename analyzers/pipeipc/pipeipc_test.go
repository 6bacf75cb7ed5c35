package pipeipc_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/procmigrate/procmigrate/analyzers/pipeipc"
)

func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), pipeipc.Analyzer,
		// Workers.
		"agentswarm", "gobpipes", "mixed", "aliased", "limits",
		// Workers, some under //nolint or in a generated file.
		"nolint",
		// Nothing to report.
		"subcommand", "external", "noexec", "helperproc")
}
