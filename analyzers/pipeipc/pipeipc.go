package pipeipc

import (
	_ "embed"
	"fmt"
	"go/ast"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/procmigrate/procmigrate/analyzers/internal/analyzerdoc"
	"github.com/procmigrate/procmigrate/analyzers/internal/nolint"
	"github.com/procmigrate/procmigrate/analyzers/workers"
)

//go:embed doc.go
var doc string

// categoryPipe is the category of the reports of what a stream carries;
// the pipe bugs have one each (see bugs.go).
const categoryPipe = "pipe"

// Analyzer reports the pipes between a program and its self-spawned workers.
var Analyzer = &analysis.Analyzer{
	Name:     "pipeipc",
	Doc:      analyzerdoc.MustSection(doc, "pipeipc"),
	URL:      "https://github.com/procmigrate/procmigrate/blob/main/docs/analyzers.md#pipeipc",
	Requires: []*analysis.Analyzer{workers.Analyzer},
	Run:      nolint.Run(run),
}

func run(pass *analysis.Pass) (any, error) {
	model := pass.ResultOf[workers.Analyzer].(*workers.Model)
	if len(model.Starts) == 0 {
		return nil, nil // nothing started here
	}
	c := newChecker(pass)

	// Report the parent side of every worker, with its pipe bugs, then
	// the worker side of every role a start runs, once even if several
	// starts do.
	seen := make(map[*workers.Dispatch]bool)
	for _, s := range model.Starts {
		if s.Kind == workers.StartExternal {
			continue // another program: not a worker's channel
		}
		worker := workerName(s)
		ends := c.ends(s)
		for _, e := range ends {
			c.report(e.at, categoryPipe, "%s carries %s", subject(e, worker), e.proto.text())
			c.earlyWait(s, e, worker)
			c.undrained(e, worker)
			c.lineLimit(e, worker)
		}
		c.stdinFirst(ends, worker)
		c.zombie(s, worker)

		d := s.Child
		if d == nil || seen[d] {
			continue // no worker side here, or reported already
		}
		seen[d] = true
		for _, e := range c.childEnds(d) {
			c.report(e.at, categoryPipe, "%s", childMessage(worker, e))
		}
	}
	return nil, nil
}

// report reports a diagnostic at the range of node.
func (c *checker) report(node ast.Node, category, format string, args ...any) {
	c.pass.Report(analysis.Diagnostic{
		Pos:      node.Pos(),
		End:      node.End(),
		Category: category,
		Message:  fmt.Sprintf(format, args...),
	})
}

// childMessage describes stream e as the worker's code uses it:
//
//	worker "agent" reads task values from stdin with json.Decoder in serveAgent
//	worker "agent" writes raw bytes to stderr in serveAgent
//	worker "pool" writes a "ready" handshake line with fmt.Fprintln, then result values with json.Encoder, to stdout in serve
func childMessage(worker string, e *childEnd) string {
	steps := e.proto.ordered()
	reads := e.stream == "stdin"
	if last := steps[len(steps)-1]; last.codec != "" && !last.both {
		reads = last.read
	}
	verb, prep := "writes", "to"
	if reads {
		verb, prep = "reads", "from"
	}
	in := ""
	if e.fn != "" {
		in = " in " + e.fn
	}
	if len(steps) == 1 {
		s := steps[0]
		with := ""
		if s.codec != "" {
			with = " with " + s.codec
		}
		return fmt.Sprintf("%s %s %s %s %s%s%s", worker, verb, s.noun, prep, e.stream, with, in)
	}
	parts := make([]string, len(steps))
	for i, s := range steps {
		parts[i] = s.noun
		if s.codec != "" {
			parts[i] += " with " + s.codec
		}
	}
	return fmt.Sprintf("%s %s %s, %s %s%s", worker, verb, strings.Join(parts, ", then "), prep, e.stream, in)
}
