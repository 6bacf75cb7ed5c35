package sharedvar_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/procmigrate/procmigrate/analyzers/sharedvar"
)

func TestShapes(t *testing.T) {
	dir := filepath.Join(analysistest.TestData(), "race")
	analysistest.RunWithSuggestedFixes(t, dir, sharedvar.Analyzer, "./...")
}

// TestPatterns runs on GOPATH fixtures: suppression, errgroup, handlers
// and timers, a package without concurrency, a file without a Go
// version, and patterns reduced from the standard library that must stay
// unreported.
func TestPatterns(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), sharedvar.Analyzer,
		"nolint", "errgroup", "handlers", "quiet", "versionless", "oldloop", "safe", "classes")
}
