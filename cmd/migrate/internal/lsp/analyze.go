package lsp

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

// A run is one pending or running analysis of a directory.
type run struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when the run has ended
}

// schedule analyses the package in dir after delay, replacing the run
// that is pending or running for dir: a newer text makes its result stale.
//
// A replaced run stops loading at once, but the checker cannot be
// interrupted; its result is dropped when it ends, and the new run waits
// for that, so that runs of one directory do not pile up on the CPU.
//
// TODO(procmigrate): analyse the open packages that import dir too; they
// keep their findings until one of their own files is opened, changed or
// saved.
func (s *server) schedule(dir string, delay time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateRunning {
		return // shut down: nothing may be published any more
	}
	prev := s.runs[dir]
	if prev != nil {
		prev.cancel()
	}
	ctx, cancel := context.WithCancel(s.ctx)
	r := &run{cancel: cancel, done: make(chan struct{})}
	s.runs[dir] = r

	s.analyses.Add(1)
	go func() {
		defer s.analyses.Done()
		defer close(r.done)
		defer cancel()
		if !wait(ctx, delay, prev) {
			return
		}
		snap := s.snapshot()
		if out := s.check(ctx, dir, snap); out != nil {
			s.publish(ctx, dir, r, snap, out)
		}
		if s.opts.afterRun != nil {
			s.opts.afterRun(dir)
		}
	}()
}

// wait waits for delay and for prev, if any, to end. It reports false if
// ctx is done first.
func wait(ctx context.Context, delay time.Duration, prev *run) bool {
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
	}
	if prev == nil {
		return true
	}
	select {
	case <-ctx.Done():
		return false
	case <-prev.done:
		return true
	}
}

// An outcome is what a run found in one directory.
type outcome struct {
	// files holds every file of the packages that were analysed, with
	// its findings, possibly none.
	files map[string][]*diagnostic

	// kept holds the files of packages that could not be analysed: the
	// editor keeps showing what it has for them.
	kept map[string]bool

	// loaded is false when go list failed or found nothing, so that which
	// files the directory has is unknown and no file is cleared.
	loaded bool

	problems []problem
}

// A problem is why something could not be analysed. It is told to the
// editor once while it lasts, as identified by its key: code that does
// not type-check changes its error at each keystroke.
type problem struct {
	key     string
	message string
	show    bool // a problem with the setup, not with the code being edited
}

// check loads the packages in dir, with their tests, and analyses those
// that type-check. It returns nil when ctx is cancelled.
func (s *server) check(ctx context.Context, dir string, snap *snapshot) *outcome {
	out := &outcome{files: make(map[string][]*diagnostic), kept: make(map[string]bool)}
	pkgs, err := s.load(ctx, dir, snap)
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		out.problems = append(out.problems, problem{"load", fmt.Sprintf("load %s: %v", dir, err), true})
		return out
	}
	if len(pkgs) == 0 {
		// go list says why, but go/packages drops it.
		msg := fmt.Sprintf("no package found in %s; is it inside a Go module?", dir)
		out.problems = append(out.problems, problem{"load", msg, true})
		return out
	}
	out.loaded = true

	good := s.setAside(dir, pkgs, out)
	if len(good) == 0 {
		return out
	}
	graph, err := s.analyze(good)
	if err != nil {
		out.problems = append(out.problems, problem{"analyze", fmt.Sprintf("analyze %s: %v", dir, err), true})
		for _, p := range good {
			keep(out, dir, p)
		}
		return out
	}
	s.collect(dir, graph.Roots, snap, out)
	return out
}

// analyze runs the analyzers on pkgs in this goroutine, so that a panic
// in one of them, on code it did not expect, costs one analysis and not
// the server. The checker would spread the work over goroutines where the
// panic could not be recovered.
func (s *server) analyze(pkgs []*packages.Package) (graph *checker.Graph, err error) {
	defer func() {
		if r := recover(); r != nil {
			s.logf("panic: %v\n%s", r, debug.Stack())
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return checker.Analyze(s.opts.Analyzers, pkgs, &checker.Options{Sequential: true})
}

// setAside returns the packages of dir that can be analysed, and marks the
// files of the others kept, with the reason as a problem. The generated
// main of a test binary has no file in dir and is left out.
func (s *server) setAside(dir string, pkgs []*packages.Package, out *outcome) []*packages.Package {
	var good []*packages.Package
	for _, p := range pkgs {
		if len(filesIn(dir, p)) == 0 {
			continue
		}
		if err := s.opts.LoadError(dir, []*packages.Package{p}); err != nil {
			msg := fmt.Sprintf("%s is not analysed until it type-checks: %v", p.PkgPath, err)
			out.problems = append(out.problems, problem{key: "load " + p.PkgPath, message: msg})
			keep(out, dir, p)
			continue
		}
		good = append(good, p)
	}
	return good
}

// keep marks the files of p kept.
func keep(out *outcome, dir string, p *packages.Package) {
	for _, f := range filesIn(dir, p) {
		out.kept[f] = true
		delete(out.files, f)
	}
}

// filesIn returns the Go files of p in dir.
func filesIn(dir string, p *packages.Package) []string {
	var files []string
	for _, f := range p.GoFiles {
		if filepath.Dir(f) == dir {
			files = append(files, f)
		}
	}
	return files
}

// collect converts the diagnostics of the actions into out.files. The
// in-package test variant of a package holds its files again, so each
// finding is kept once.
func (s *server) collect(dir string, roots []*checker.Action, snap *snapshot, out *outcome) {
	// Keep the packages with a failed analyzer.
	failed := make(map[*packages.Package]bool)
	for _, act := range roots {
		if act.Err != nil && !failed[act.Package] {
			failed[act.Package] = true
			msg := fmt.Sprintf("analyze %s with %s: %v", act.Package.PkgPath, act.Analyzer.Name, act.Err)
			out.problems = append(out.problems, problem{key: "analyze " + act.Package.PkgPath, message: msg})
			keep(out, dir, act.Package)
		}
	}
	for _, act := range roots {
		for _, f := range filesIn(dir, act.Package) {
			if _, ok := out.files[f]; !ok && !out.kept[f] {
				out.files[f] = nil
			}
		}
	}

	// Convert the findings.
	conv := &converter{snap: snap, mappers: make(map[string]*mapper)}
	seen := make(map[string]bool)
	for _, act := range roots {
		if failed[act.Package] {
			continue
		}
		for _, d := range act.Diagnostics {
			path, diag, ok := conv.diagnostic(act, d)
			if _, want := out.files[path]; !ok || !want {
				continue // in a file outside the packages, or gone from the disk
			}
			key := fmt.Sprint(path, diag.lsp.Range, diag.analyzer, diag.message)
			if seen[key] {
				continue // the same file seen through another package variant
			}
			seen[key] = true
			out.files[path] = append(out.files[path], diag)
		}
	}
	for _, diags := range out.files {
		slices.SortFunc(diags, compareDiagnostics)
	}
}

// compareDiagnostics orders diagnostics by position, then analyzer.
func compareDiagnostics(a, b *diagnostic) int {
	ar, br := a.lsp.Range, b.lsp.Range
	return cmp.Or(
		cmp.Compare(ar.Start.Line, br.Start.Line),
		cmp.Compare(ar.Start.Character, br.Start.Character),
		cmp.Compare(ar.End.Line, br.End.Line),
		cmp.Compare(ar.End.Character, br.End.Character),
		strings.Compare(a.analyzer, b.analyzer),
		strings.Compare(a.message, b.message))
}

// A fileReport is what the editor was last sent for one file.
type fileReport struct {
	dir   string
	uri   uri.URI
	diags []*diagnostic
}

// publish sends the findings of run r for dir unless a newer run replaced
// it, clears the files that no longer have findings, and tells the editor
// of new problems.
func (s *server) publish(ctx context.Context, dir string, r *run, snap *snapshot, out *outcome) {
	s.publishMu.Lock()
	defer s.publishMu.Unlock()

	s.mu.Lock()
	if s.runs[dir] != r || ctx.Err() != nil || s.state != stateRunning {
		s.mu.Unlock()
		return // stale, or the server is stopping
	}
	delete(s.runs, dir)
	sends := s.record(dir, snap, out)
	problems := s.newProblems(dir, out.problems)
	s.mu.Unlock()

	// Send outside s.mu, which the read goroutine needs, in case the
	// editor reads its end only after writing its own.
	for _, p := range sends {
		if err := s.client.PublishDiagnostics(s.ctx, p); err != nil {
			s.logf("publish diagnostics for %s: %v", p.URI, err)
			return
		}
	}
	for _, p := range problems {
		s.tell(p)
	}
}

// record stores the findings of out as published and returns the
// notifications that change what the editor shows. s.mu must be held.
func (s *server) record(dir string, snap *snapshot, out *outcome) []*protocol.PublishDiagnosticsParams {
	var sends []*protocol.PublishDiagnosticsParams
	update := func(path string, diags []*diagnostic) {
		prev := s.published[path]
		u := snap.uri(path)
		if prev != nil && !snap.isOpen(path) {
			u = prev.uri // the editor was sent this name
		}
		if len(diags) == 0 {
			delete(s.published, path)
		} else {
			s.published[path] = &fileReport{dir: dir, uri: u, diags: diags}
		}
		p := &protocol.PublishDiagnosticsParams{URI: u, Diagnostics: lspDiagnostics(diags)}
		if v, ok := snap.versions[path]; ok {
			// An open file is published at each version, even unchanged,
			// so that the editor knows its findings are up to date.
			p.Version = protocol.NewOptional(v)
		} else if prev == nil && len(diags) == 0 || prev != nil && sameDiagnostics(prev.diags, diags) {
			return // the editor shows this already
		}
		sends = append(sends, p)
	}

	for path, diags := range out.files {
		update(path, diags)
	}
	if out.loaded {
		for path, prev := range s.published {
			_, analysed := out.files[path]
			if prev.dir == dir && !analysed && !out.kept[path] {
				update(path, nil) // the file left the package, or the disk
			}
		}
	}
	slices.SortFunc(sends, func(a, b *protocol.PublishDiagnosticsParams) int {
		return strings.Compare(string(a.URI), string(b.URI))
	})
	return sends
}

// sameDiagnostics reports whether a and b would be published alike.
func sameDiagnostics(a, b []*diagnostic) bool {
	return slices.EqualFunc(a, b, func(x, y *diagnostic) bool {
		return reflect.DeepEqual(x.lsp, y.lsp)
	})
}

// lspDiagnostics returns the protocol values of diags, an empty list
// rather than null when there are none, as the protocol requires.
func lspDiagnostics(diags []*diagnostic) []protocol.Diagnostic {
	out := make([]protocol.Diagnostic, 0, len(diags))
	for _, d := range diags {
		out = append(out, d.lsp)
	}
	return out
}

// newProblems returns the problems of dir that its last run did not have,
// and remembers them: a package that stays broken while it is edited is
// reported once, and again only after it has been mended. s.mu must be
// held.
func (s *server) newProblems(dir string, problems []problem) []problem {
	last := s.logged[dir]
	var keys []string
	var fresh []problem
	for _, p := range problems {
		if slices.Contains(keys, p.key) {
			continue // a package and its test variant fail alike
		}
		keys = append(keys, p.key)
		if !slices.Contains(last, p.key) {
			fresh = append(fresh, p)
		}
	}
	if len(keys) == 0 {
		delete(s.logged, dir)
	} else {
		s.logged[dir] = keys
	}
	return fresh
}

// tell sends a problem to the editor's log, or shows it when it is one
// the user must act on outside the code.
func (s *server) tell(p problem) {
	msg := Source + ": " + p.message
	var err error
	if p.show {
		err = s.client.ShowMessage(s.ctx, &protocol.ShowMessageParams{Type: protocol.MessageTypeWarning, Message: msg})
	} else {
		err = s.client.LogMessage(s.ctx, &protocol.LogMessageParams{Type: protocol.MessageTypeWarning, Message: msg})
	}
	if err != nil {
		s.logf("tell editor %q: %v", msg, err)
	}
}
