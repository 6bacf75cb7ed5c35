package execworker

import (
	_ "embed"
	"fmt"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/procmigrate/procmigrate/analyzers/internal/analyzerdoc"
	"github.com/procmigrate/procmigrate/analyzers/internal/nolint"
	"github.com/procmigrate/procmigrate/analyzers/workers"
)

//go:embed doc.go
var doc string

// category is the diagnostic category of every report.
const category = "worker"

// Analyzer reports worker processes that re-execute the running binary.
var Analyzer = &analysis.Analyzer{
	Name:     "execworker",
	Doc:      analyzerdoc.MustSection(doc, "execworker"),
	URL:      "https://github.com/procmigrate/procmigrate/blob/main/docs/analyzers.md#execworker",
	Requires: []*analysis.Analyzer{workers.Analyzer},
	Run:      nolint.Run(run),
}

func run(pass *analysis.Pass) (any, error) {
	model := pass.ResultOf[workers.Analyzer].(*workers.Model)
	for _, s := range model.Spawns {
		if s.Dispatch == nil && len(s.Pipes) == 0 {
			// A re-exec that neither serves a role of this package nor
			// talks over pipes is something else: a daemon detaching
			// itself, a graceful restart handing over its listeners.
			continue
		}
		pass.Report(analysis.Diagnostic{
			Pos:      s.Call.Pos(),
			End:      s.Call.End(),
			Category: category,
			Message:  message(s, pass.Pkg),
		})
	}
	return nil, nil
}

// message describes spawn s: what it starts, as which role, and whether
// the role's serving code was found, which decides if it can become a
// goroutine.
func message(s *workers.Spawn, pkg *types.Package) string {
	ctor := "Command"
	if s.Ctx != nil {
		ctor = "CommandContext"
	}
	return fmt.Sprintf("worker spawned with exec.%s re-executes this binary (%s) %s",
		ctor, s.Self, outcome(s, pkg))
}

// outcome says which role s starts and what serves the role.
func outcome(s *workers.Spawn, pkg *types.Package) string {
	var (
		d    = s.Dispatch
		role = fmt.Sprintf("as role %q", s.Role)
	)
	switch {
	case len(s.Args) == 0:
		return "without a role argument"
	case s.Role == "":
		return "with a non-constant role"
	case d == nil:
		return role + "; no dispatch for the role found in this package"
	case d.Serve == nil:
		return fmt.Sprintf("%s handled inline in %s; a candidate to run as a goroutine", role, d.Func.Name.Name)
	}
	serve := workers.FuncString(d.Serve, pkg)
	return fmt.Sprintf("%s served by %s; a candidate to run as a goroutine", role, serve)
}
