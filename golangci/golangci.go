// Package golangci is procmigrate's golangci-lint v2 module plugin. A
// custom golangci-lint binary built with "golangci-lint custom" imports it,
// and its init registers the linter "procmigrate", which runs the same
// analyzers as migrate check. docs/golangci-lint.md shows the two
// configuration files.
//
// Settings, under linters.settings.custom.procmigrate.settings:
//
//	enable: [execworker]   run only these analyzers (default: all)
//	disable: [pipeipc]     do not run these
package golangci

import (
	"fmt"
	"slices"
	"strings"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/procmigrate/procmigrate/analyzers/suite"
)

// name is the linter's name in .golangci.yml and in //nolint directives
// that golangci-lint itself reads.
const name = "procmigrate"

func init() {
	register.Plugin(name, New)
}

// Settings select the analyzers the plugin runs, by Analyzer.Name.
type Settings struct {
	// Enable lists the analyzers to run; empty means all of them.
	Enable []string `json:"enable"`
	// Disable lists analyzers not to run, after Enable.
	Disable []string `json:"disable"`
}

// plugin is the linter built from one configuration.
type plugin struct {
	analyzers []*analysis.Analyzer
}

// New builds the linter from the settings golangci-lint decoded from
// .golangci.yml. Unknown keys and unknown analyzer names are errors, so a
// typo does not silently run everything or nothing.
func New(settings any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](settings)
	if err != nil {
		return nil, fmt.Errorf("read %s settings: %w (the keys are enable and disable)", name, err)
	}
	analyzers, err := s.selected()
	if err != nil {
		return nil, err
	}
	return &plugin{analyzers: analyzers}, nil
}

// selected returns the analyzers of the suite that s enables and does not
// disable, in the suite's order.
func (s Settings) selected() ([]*analysis.Analyzer, error) {
	all := suite.All()
	known := make([]string, len(all))
	for i, a := range all {
		known[i] = a.Name
	}
	for _, list := range []struct {
		key   string
		names []string
	}{{"enable", s.Enable}, {"disable", s.Disable}} {
		for _, n := range list.names {
			if !slices.Contains(known, n) {
				return nil, fmt.Errorf("%s settings: %s names %q, which is not an analyzer; the analyzers are %s",
					name, list.key, n, strings.Join(known, ", "))
			}
		}
	}

	out := all[:0]
	for _, a := range all {
		if len(s.Enable) > 0 && !slices.Contains(s.Enable, a.Name) {
			continue // not enabled
		}
		if slices.Contains(s.Disable, a.Name) {
			continue
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s settings leave no analyzer to run; disable the %s linter instead", name, name)
	}
	return out, nil
}

// BuildAnalyzers returns the analyzers the settings selected, in a slice of
// their own.
func (p *plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	return slices.Clone(p.analyzers), nil
}

// GetLoadMode asks for type information, which every analyzer needs to
// tell os/exec and the running binary from look-alikes.
func (p *plugin) GetLoadMode() string {
	return register.LoadModeTypesInfo
}
