package pipeipc

import (
	_ "embed"
	"fmt"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/procmigrate/procmigrate/analyzers/internal/analyzerdoc"
	"github.com/procmigrate/procmigrate/analyzers/internal/nolint"
	"github.com/procmigrate/procmigrate/analyzers/workers"
)

//go:embed doc.go
var doc string

// category is the diagnostic category of every report.
const category = "pipe"

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

	// Report the parent side of every worker, then the worker side of
	// every dispatch a spawn starts, once even if several spawns do.
	seen := make(map[*workers.Dispatch]bool)
	for _, s := range model.Spawns {
		for _, p := range s.Pipes {
			report(pass, p.Call, parentMessage(s, p, pass.Pkg))
		}
		d := s.Dispatch
		if d == nil || seen[d] {
			continue // no worker side here, or reported already
		}
		seen[d] = true
		for _, e := range d.Endpoints {
			report(pass, d.ServeCall.Args[e.Arg], workerMessage(d, e, pass.Pkg))
		}
	}
	return nil, nil
}

// report reports msg at the range of node.
func report(pass *analysis.Pass, node analysis.Range, msg string) {
	pass.Report(analysis.Diagnostic{
		Pos:      node.Pos(),
		End:      node.End(),
		Category: category,
		Message:  msg,
	})
}

// parentMessage describes pipe p of spawn s as the parent sees it:
//
//	stdin pipe of worker "agent" carries task values encoded with json.Encoder
//	stderr pipe of worker "agent" carries raw bytes
func parentMessage(s *workers.Spawn, p *workers.Pipe, pkg *types.Package) string {
	worker := "a worker with a non-constant role"
	if s.Role != "" {
		worker = fmt.Sprintf("worker %q", s.Role)
	}
	carries := "raw bytes"
	if c := p.Codec; c != nil {
		carries = fmt.Sprintf("%s %s with %s", values(c, pkg), coded(c), c.Kind)
	}
	return fmt.Sprintf("%s pipe of %s carries %s", p.Stream, worker, carries)
}

// workerMessage describes endpoint e of dispatch d as the worker sees it:
//
//	worker "agent" reads task values from stdin with json.Decoder in serveAgent
//	worker "agent" writes raw bytes to stderr in serveAgent
func workerMessage(d *workers.Dispatch, e *workers.Endpoint, pkg *types.Package) string {
	var (
		serve = workers.FuncString(d.Serve, pkg)
		c     = e.Codec
	)
	reads := e.Stream == "stdin"
	if c != nil {
		reads = strings.HasSuffix(c.Kind, "Decoder")
	}
	verb, prep := "writes", "to"
	if reads {
		verb, prep = "reads", "from"
	}
	what, with := "raw bytes", ""
	if c != nil {
		what, with = values(c, pkg), " with "+c.Kind
	}
	return fmt.Sprintf("worker %q %s %s %s %s%s in %s",
		d.Role, verb, what, prep, e.Stream, with, serve)
}

// values names what codec c carries: "task values", "task and result
// values", or just "values" when no Encode or Decode call shows a type.
func values(c *workers.Codec, pkg *types.Package) string {
	if len(c.Types) == 0 {
		return "values"
	}
	return workers.TypeList(c.Types, pkg) + " values"
}

// coded returns "encoded" for an encoder and "decoded" for a decoder.
func coded(c *workers.Codec) string {
	if strings.HasSuffix(c.Kind, "Decoder") {
		return "decoded"
	}
	return "encoded"
}
