package execworker

import (
	_ "embed"
	"flag"
	"fmt"
	"go/constant"
	"go/types"
	"strconv"

	"golang.org/x/tools/go/analysis"

	"github.com/procmigrate/procmigrate/analyzers/internal/analyzerdoc"
	"github.com/procmigrate/procmigrate/analyzers/internal/nolint"
	"github.com/procmigrate/procmigrate/analyzers/workers"
)

//go:embed doc.go
var doc string

// Diagnostic categories, one per kind of start. The test helper-process
// idiom has none: it is never reported.
const (
	categoryWorker     = "worker"     // a function of this module serves the role: can run as a goroutine
	categoryUnresolved = "unresolved" // re-executes this binary, but the role's code is not found
	categoryExternal   = "external"   // another program, reported only under -external
	categoryBoundary   = "boundary"   // a worker that must stay a process
)

// externalFlag is the name of the flag that reports other programs too.
const externalFlag = "external"

// Analyzer reports worker processes that re-execute the running binary or
// run another binary of the module, and the ones that must stay processes.
var Analyzer = &analysis.Analyzer{
	Name:      "execworker",
	Doc:       analyzerdoc.MustSection(doc, "execworker"),
	URL:       "https://github.com/procmigrate/procmigrate/blob/main/docs/analyzers.md#execworker",
	Requires:  []*analysis.Analyzer{workers.Analyzer},
	FactTypes: []analysis.Fact{new(Isolates)},
	Run:       nolint.Run(run),
}

func init() {
	// The flag's value lives in the Analyzer's own FlagSet, which drivers
	// set from -execworker.external; run reads it from there.
	Analyzer.Flags.Bool(externalFlag, false, "also report processes that run other programs, such as git")
}

func run(pass *analysis.Pass) (any, error) {
	if pass.TypesInfo == nil {
		// A dependency loaded from export data, which a driver hands to
		// analyzers with facts: no code to describe.
		return nil, nil
	}
	isolation := func(fn *types.Func) string {
		var fact Isolates
		if pass.ImportObjectFact(fn, &fact) {
			return fact.Reason
		}
		return ""
	}
	exportFacts(pass, isolation)
	if !workers.MayStart(pass.Pkg) {
		return nil, nil // no process is started here: nothing to report
	}
	// The shared model has the starts FindWith would find: what it is
	// told below changes how a start is described, never which starts
	// there are. Most packages that import os start nothing, and are not
	// walked a second time for it.
	if base := pass.ResultOf[workers.Analyzer].(*workers.Model); workers.Modelled(pass.Pkg) && len(base.Starts) == 0 {
		return nil, nil // no process is started here: nothing to report
	}

	model := workers.FindWith(pass.Files, pass.TypesInfo, pass.Pkg, options(pass, isolation))
	external := reportExternal(pass)
	for _, s := range model.Starts {
		category, msg := classify(s, pass.Pkg, pass.TypesInfo, external)
		if msg == "" {
			continue
		}
		pass.Report(analysis.Diagnostic{
			Pos:      s.At.Pos(),
			End:      s.At.End(),
			Category: category,
			Message:  msg,
		})
	}
	return nil, nil
}

// reportExternal reports whether -execworker.external is set.
func reportExternal(pass *analysis.Pass) bool {
	f := pass.Analyzer.Flags.Lookup(externalFlag)
	if f == nil {
		return false
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return false
	}
	on, _ := g.Get().(bool)
	return on
}

// classify returns the category and message of start s, or "" when s is
// not reported: another program without -external, or a re-exec that
// neither serves a role of this package nor talks over pipes, which is
// something else than a worker: a daemon detaching itself, a graceful
// restart handing over its listeners.
func classify(s *workers.Spawn, pkg *types.Package, info *types.Info, external bool) (string, string) {
	if s.Kind == workers.StartExternal {
		if !external {
			return "", ""
		}
		return categoryExternal, fmt.Sprintf("%s starts another program, %s, not a worker of this module", formName(s), program(s, info))
	}
	if s.Program == "" && s.Child == nil && len(s.Pipes) == 0 {
		return "", ""
	}
	msg, candidate := subject(s), true
	if s.Program == "" {
		// The role is known only for this binary: another main package's
		// dispatch is not in view.
		var text string
		text, candidate = outcome(s, pkg)
		msg += " " + text
	}
	if s.Kind == workers.StartBoundary {
		return categoryBoundary, fmt.Sprintf("keep as a process: %s; the child %s", msg, s.Boundary)
	}
	switch {
	case s.Program != "":
		msg += "; a candidate to run as a goroutine once its code is in a package the parent can import"
	case candidate:
		msg += "; a candidate to run as a goroutine"
	default:
		// No function is known to serve the role, so nothing shows the
		// child can run in-process: a different finding than a worker.
		return categoryUnresolved, msg
	}
	return categoryWorker, msg
}

// subject names what s starts and how: "worker spawned with exec.Command
// re-executes this binary (os.Executable())".
func subject(s *workers.Spawn) string {
	verb := "spawned with"
	if s.Form == workers.FormStartProcess || s.Form == workers.FormForkExec {
		verb = "started with"
	}
	if s.Program != "" {
		return fmt.Sprintf("worker %s %s runs %s, built from main package %s of this module", verb, formName(s), s.Binary, s.Program)
	}
	return fmt.Sprintf("worker %s %s re-executes this binary (%s)", verb, formName(s), s.Self)
}

// formName names how s starts its process, as the messages say it.
func formName(s *workers.Spawn) string {
	if s.Form == workers.FormCmdLiteral {
		return "an exec.Cmd literal"
	}
	return s.Form
}

// program names the program of an external start: its constant value
// quoted, or the expression as written.
func program(s *workers.Spawn, info *types.Info) string {
	if tv, ok := info.Types[s.Name]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
		return strconv.Quote(constant.StringVal(tv.Value))
	}
	return types.ExprString(s.Name)
}

// outcome says which role s starts and what serves it, and whether that
// makes s a candidate to run as a goroutine.
func outcome(s *workers.Spawn, pkg *types.Package) (string, bool) {
	d := s.Child
	if d != nil && d.Via != workers.ViaArgs {
		return selector(d) + served(d, pkg), true
	}
	role := fmt.Sprintf("as role %q", s.Role)
	switch {
	case len(s.Args) == 0:
		return "without a role argument", false
	case s.Role == "":
		return "with a non-constant role", false
	case d == nil:
		return role + "; no dispatch for the role found in this package", false
	}
	return role + served(d, pkg), true
}

// selector says how the child of a start is told its role, for the
// mechanisms other than a role argument.
func selector(d *workers.Dispatch) string {
	switch d.Via {
	case workers.ViaFlag:
		if d.Role == "true" {
			return "with flag -" + d.Key
		}
		return fmt.Sprintf("with flag -%s=%s", d.Key, d.Role)
	case workers.ViaEnv:
		if d.Role == "" {
			return fmt.Sprintf("with %s set in its environment", d.Key)
		}
		return fmt.Sprintf("with %s=%s in its environment", d.Key, d.Role)
	case workers.ViaCobra:
		return fmt.Sprintf("as subcommand %q", d.Key)
	case workers.ViaRegistry:
		return fmt.Sprintf("as argv[0] %q", d.Role)
	}
	return "as role " + strconv.Quote(d.Role)
}

// served names the function that serves d, or where its code is inline.
func served(d *workers.Dispatch, pkg *types.Package) string {
	if d.Entry != nil {
		return " served by " + workers.FuncString(d.Entry, pkg)
	}
	switch d.Via {
	case workers.ViaCobra:
		return " handled inline in its Run function"
	case workers.ViaRegistry:
		return " handled inline in the registered function"
	}
	return " handled inline in " + d.Func.Name.Name
}
