package suite_test

import (
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/checker"

	"github.com/procmigrate/procmigrate/analyzers/suite"
)

// TestFixesDoNotOverlap runs every analyzer of the suite together over
// the fixtures of every analyzer and checks what go fix relies on to
// apply all of a package's fixes: each diagnostic offers at most one
// fix, and no two fixes of one package edit overlapping text, unless
// the edits are identical (as when two fixes add the same import), which
// go fix merges. A package whose fixes conflict has all of them dropped
// by go fix, so one careless fix would cost the user every other one.
func TestFixesDoNotOverlap(t *testing.T) {
	if testing.Short() {
		t.Skip("loads every analyzer's fixtures")
	}
	all := &analysis.Analyzer{
		Name:     "all",
		Doc:      "runs every analyzer of the suite",
		Requires: suite.All(),
		Run:      func(*analysis.Pass) (any, error) { return nil, nil },
	}

	dirs, err := filepath.Glob("../*/testdata")
	for i := range dirs {
		dirs[i], _ = filepath.Abs(dirs[i])
	}
	if err != nil {
		t.Fatal(err)
	}
	packages := 0 // analysed, for the log
	for _, dir := range dirs {
		src := filepath.Join(dir, "src")
		entries, err := os.ReadDir(src)
		if err != nil {
			continue // not a GOPATH-style fixture tree
		}
		var patterns []string
		for _, e := range entries {
			if e.IsDir() {
				patterns = append(patterns, e.Name()+"/...")
			}
		}
		// The fixtures' own // want expectations are for their analyzer
		// alone; here only the fixes matter, so mismatches are ignored.
		results := analysistest.Run(ignore{}, dir, all, patterns...)
		if len(results) == 0 {
			t.Errorf("%s: no fixture package could be loaded", dir)
		}
		for _, r := range results {
			packages++
			checkFixes(t, r.Action)
		}
	}
	t.Logf("%d packages analysed", packages)
}

// ignore drops analysistest's reports of unexpected diagnostics.
type ignore struct{}

func (ignore) Errorf(string, ...any) {}

// checkFixes checks the fixes of the analyzers act depends on, all run on
// one package.
func checkFixes(t *testing.T, act *checker.Action) {
	type edit struct {
		analysis.TextEdit
		from string // analyzer and diagnostic, for the message
		fix  int    // which fix: the edits of one fix are applied together
	}
	fixes := 0
	byFile := make(map[*token.File][]edit)
	for _, dep := range act.Deps {
		if dep.Package != act.Package {
			continue
		}
		for _, d := range dep.Diagnostics {
			if len(d.SuggestedFixes) > 1 {
				t.Errorf("%s: %s offers %d fixes for one diagnostic; go fix applies one",
					act.Package.Fset.Position(d.Pos), dep.Analyzer.Name, len(d.SuggestedFixes))
			}
			for _, f := range d.SuggestedFixes {
				fixes++
				for _, e := range f.TextEdits {
					file := act.Package.Fset.File(e.Pos)
					from := fmt.Sprintf("%s at %s (%q)", dep.Analyzer.Name, act.Package.Fset.Position(d.Pos), f.Message)
					byFile[file] = append(byFile[file], edit{e, from, fixes})
				}
			}
		}
	}
	for file, edits := range byFile {
		slices.SortFunc(edits, func(a, b edit) int { return int(a.Pos - b.Pos) })
		for i, a := range edits {
			for _, b := range edits[i+1:] {
				if a.fix != b.fix && conflict(a.TextEdit, b.TextEdit) {
					t.Errorf("%s: fixes overlap:\n\t%s edits [%d,%d)\n\t%s edits [%d,%d)",
						file.Name(), a.from, file.Offset(a.Pos), file.Offset(a.End), b.from, file.Offset(b.Pos), file.Offset(b.End))
				}
			}
		}
	}
}

// conflict reports whether two edits of different fixes cannot both be
// applied: they replace overlapping text, or insert different text at one
// point (their order would be arbitrary). Identical edits are merged.
func conflict(a, b analysis.TextEdit) bool {
	if a.Pos == b.Pos && a.End == b.End && string(a.NewText) == string(b.NewText) {
		return false
	}
	end := func(e analysis.TextEdit) token.Pos { return max(e.Pos, e.End) }
	if a.Pos == b.Pos {
		return true
	}
	return a.Pos < end(b) && b.Pos < end(a)
}

func TestConflict(t *testing.T) {
	e := func(pos, end token.Pos, text string) analysis.TextEdit {
		return analysis.TextEdit{Pos: pos, End: end, NewText: []byte(text)}
	}
	for _, c := range []struct {
		a, b analysis.TextEdit
		want bool
	}{
		{e(10, 20, "x"), e(15, 25, "y"), true},
		{e(10, 20, "x"), e(20, 25, "y"), false},
		{e(10, 20, "x"), e(12, 13, "y"), true},
		{e(10, 10, "a"), e(10, 10, "b"), true},
		{e(10, 10, "a"), e(10, 10, "a"), false},
		{e(10, 10, "a"), e(10, 12, "b"), true},
		{e(10, 10, "a"), e(5, 10, "b"), false},
		{e(10, 20, "x"), e(10, 20, "x"), false},
	} {
		if got := conflict(c.a, c.b); got != c.want {
			t.Errorf("conflict(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
		if got := conflict(c.b, c.a); got != c.want {
			t.Errorf("conflict(%v, %v) = %v, want %v", c.b, c.a, got, c.want)
		}
	}
}
