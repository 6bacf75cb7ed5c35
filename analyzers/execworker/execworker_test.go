package execworker_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/procmigrate/procmigrate/analyzers/execworker"
)

func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), execworker.Analyzer,
		// Workers.
		"agentswarm", "args0", "procself", "params", "aliased", "dotimport",
		// Workers, some under //nolint or in a generated file.
		"nolint",
		// Nothing to report, but for one worker in a test file.
		"external", "helperproc", "noexec", "shadowed", "params/lib")
}
