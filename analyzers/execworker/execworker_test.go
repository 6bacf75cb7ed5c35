package execworker_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/procmigrate/procmigrate/analyzers/execworker"
)

func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), execworker.Analyzer, "agentswarm")
}
