package golangci_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	_ "github.com/procmigrate/procmigrate/golangci"

	"github.com/procmigrate/procmigrate/analyzers/suite"
)

// build does what golangci-lint does with a module plugin: it finds the
// plugin by the name in .golangci.yml, constructs it from the decoded
// settings, and asks for its analyzers and load mode.
func build(t *testing.T, settings any) ([]*analysis.Analyzer, error) {
	t.Helper()
	newPlugin, err := register.GetPlugin("procmigrate")
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlugin(settings)
	if err != nil {
		return nil, err
	}
	if mode := p.GetLoadMode(); mode != register.LoadModeTypesInfo {
		t.Errorf("GetLoadMode() = %q, want %q", mode, register.LoadModeTypesInfo)
	}
	return p.BuildAnalyzers()
}

// TestRun runs the analyzers of the default configuration on a program
// with a worker, one fixture per analyzer, as golangci-lint would.
func TestRun(t *testing.T) {
	analyzers, err := build(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range analyzers {
		dir := filepath.Join(analysistest.TestData(), "src", a.Name)
		if _, err := os.Stat(dir); err != nil {
			t.Errorf("analyzer %s has no fixture: add a program it reports on in %s", a.Name, dir)
			continue
		}
		analysistest.Run(t, analysistest.TestData(), a, a.Name)
	}
}

// TestSelect checks which analyzers each configuration selects.
func TestSelect(t *testing.T) {
	var (
		all      []string // in the suite's order
		reversed []any    // all, as .golangci.yml would list them backwards
	)
	for _, a := range suite.All() {
		all = append(all, a.Name)
		reversed = slices.Insert(reversed, 0, any(a.Name))
	}
	without := func(name string) []string {
		return slices.DeleteFunc(slices.Clone(all), func(n string) bool { return n == name })
	}
	tests := []struct {
		name     string
		settings any // as golangci-lint decodes .golangci.yml
		want     []string
	}{
		{"no settings", nil, all},
		{"empty settings", map[string]any{}, all},
		{"enable", map[string]any{"enable": []any{"pipeipc"}}, []string{"pipeipc"}},
		{"enable all by name", map[string]any{"enable": reversed}, all},
		{"disable", map[string]any{"disable": []any{"pipeipc"}}, without("pipeipc")},
		{"enable and disable", map[string]any{"enable": reversed, "disable": []any{"execworker"}}, without("execworker")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			analyzers, err := build(t, tt.settings)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range analyzers {
				got = append(got, a.Name)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("BuildAnalyzers() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBuildAnalyzersIsFresh(t *testing.T) {
	first, err := build(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	first[0] = nil
	again, err := build(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again[0] == nil {
		t.Error("a caller changing BuildAnalyzers' slice changed the suite")
	}
}

// TestBadSettings checks that a mistake in .golangci.yml stops
// golangci-lint with an error saying what is wrong, instead of running
// everything or nothing.
func TestBadSettings(t *testing.T) {
	var (
		everything []any
		known      []string
	)
	for _, a := range suite.All() {
		everything = append(everything, a.Name)
		known = append(known, a.Name)
	}
	tests := []struct {
		name     string
		settings any
		want     []string // substrings of the error
	}{
		{"unknown key", map[string]any{"enabled": []any{"execworker"}},
			[]string{`unknown field "enabled"`, "the keys are enable and disable"}},
		{"unknown analyzer", map[string]any{"enable": []any{"execwork"}},
			[]string{`enable names "execwork", which is not an analyzer`, "the analyzers are " + strings.Join(known, ", ")}},
		{"unknown disabled analyzer", map[string]any{"disable": []any{"ExecWorker"}},
			[]string{`disable names "ExecWorker"`}},
		{"not a list", map[string]any{"enable": "execworker"},
			[]string{"read procmigrate settings", "cannot unmarshal string"}},
		{"not a map", []any{"execworker"},
			[]string{"read procmigrate settings", "cannot unmarshal array"}},
		{"nothing left", map[string]any{"disable": everything},
			[]string{"leave no analyzer to run; disable the procmigrate linter instead"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			analyzers, err := build(t, tt.settings)
			if err == nil {
				t.Fatalf("BuildAnalyzers() = %d analyzers, want an error", len(analyzers))
			}
			t.Log(err)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}
