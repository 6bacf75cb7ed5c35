package main

import (
	"go/ast"
	"go/token"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// codeSpan is a source range [pos, end) in the file set of one load.
type codeSpan struct{ pos, end token.Pos }

func nodeSpan(n ast.Node) codeSpan { return codeSpan{n.Pos(), n.End()} }

// inSpans reports whether pos lies in one of spans.
func inSpans(spans []codeSpan, pos token.Pos) bool {
	for _, s := range spans {
		if s.pos <= pos && pos < s.end {
			return true
		}
	}
	return false
}

// spawnSpans returns the parent's side of the worker spawned by s: the
// call, the pipes opened on its command and the codecs built on them. A
// hazard reported there belongs to the worker, since converting the site
// replaces or keeps exactly this code.
func spawnSpans(s *workers.Spawn) []codeSpan {
	spans := []codeSpan{nodeSpan(s.Call)}
	for _, p := range s.Pipes {
		spans = append(spans, nodeSpan(p.Call))
		for _, id := range p.Uses {
			spans = append(spans, nodeSpan(id))
		}
		spans = append(spans, codecSpans(p.Codec)...)
	}
	return spans
}

// codecSpans returns the constructor of c and every use of it.
func codecSpans(c *workers.Codec) []codeSpan {
	if c == nil {
		return nil
	}
	spans := []codeSpan{nodeSpan(c.Ctor)}
	for _, call := range c.Calls {
		spans = append(spans, nodeSpan(call))
	}
	for _, id := range c.Other {
		spans = append(spans, nodeSpan(id))
	}
	return spans
}

// workerSpans returns the worker's side of a role: the branch of d and
// every function of the package the branch can run, found as the rewriter
// finds worker code. A whole declaration counts, so a hazard reported on a
// function's signature belongs to the worker as one in its body does.
//
// TODO(procmigrate): worker code in the module's other packages, which the
// rewriter also follows, is not included, so a hazard reported there is
// never attributed to a role.
func workerSpans(calls *workers.Calls, d *workers.Dispatch) []codeSpan {
	if d == nil {
		return nil
	}
	roots := make([]ast.Node, len(d.Body))
	for i, stmt := range d.Body {
		roots[i] = stmt
	}
	spans := []codeSpan{nodeSpan(d.Node)}
	for _, fd := range calls.Reachable(roots) {
		spans = append(spans, nodeSpan(fd))
	}
	return spans
}
