package pipeipc_test

import (
	"slices"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/procmigrate/procmigrate/analyzers/execworker"
	"github.com/procmigrate/procmigrate/analyzers/pipeipc"
)

func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), pipeipc.Analyzer,
		// Workers.
		"agentswarm", "gobpipes", "mixed", "aliased", "limits", "codecs", "pipebugs",
		// Workers, some under //nolint or in a generated file.
		"nolint",
		// Nothing to report.
		"subcommand", "external", "noexec", "helperproc")
}

// TestShapes runs execworker and pipeipc together on programs written
// after shapes common in public code, so that each fixture states
// everything the two report on it, and nothing else.
func TestShapes(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), both,
		"shapes/rpcplugin", "shapes/prestarted", "shapes/master",
		"shapes/restarter", "shapes/jsonlpool", "shapes/compiler")
}

// both reports what execworker and pipeipc report, in one pass.
var both = &analysis.Analyzer{
	Name:      "both",
	Doc:       "execworker and pipeipc",
	Requires:  pipeipc.Analyzer.Requires,
	FactTypes: execworker.Analyzer.FactTypes,
	Run: func(pass *analysis.Pass) (any, error) {
		if _, err := execworker.Analyzer.Run(pass); err != nil {
			return nil, err
		}
		return pipeipc.Analyzer.Run(pass)
	},
}

// TestCategories checks each pipe bug has a category of its own, which
// JSON and SARIF output carry, and the descriptions of streams have
// "pipe".
func TestCategories(t *testing.T) {
	want := map[int]string{
		54:  "pipe",
		56:  "earlywait",
		103: "undrained",
		114: "earlywait",
		120: "undrained",
		128: "zombie",
		143: "zombie",
		152: "stdinfirst",
		180: "linelimit",
	}
	results := analysistest.Run(t, analysistest.TestData(), pipeipc.Analyzer, "pipebugs")
	got := make(map[int][]string)
	for _, r := range results {
		for _, d := range r.Diagnostics {
			line := r.Pass.Fset.Position(d.Pos).Line
			got[line] = append(got[line], d.Category)
		}
	}
	for line, cat := range want {
		if !slices.Contains(got[line], cat) {
			t.Errorf("line %d: categories %q, want %q among them", line, got[line], cat)
		}
	}
}
