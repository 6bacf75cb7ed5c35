package lsp

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"golang.org/x/tools/go/analysis"
)

// legacyAnalyzer reports each call of a function named legacy, with the
// function's declaration as related information and a fix that calls
// modern instead: a stand-in for the analyzers of the suite, whose
// findings and fixes the tests cannot choose.
var legacyAnalyzer = &analysis.Analyzer{
	Name: "legacy",
	Doc:  "report calls of legacy",
	URL:  "https://example.com/docs#legacy",
	Run:  runLegacy,
}

func runLegacy(pass *analysis.Pass) (any, error) {
	for _, f := range pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			id, ok := call.Fun.(*ast.Ident)
			if !ok || id.Name != "legacy" {
				return true
			}
			decl := pass.TypesInfo.Uses[id].Pos()
			pass.Report(analysis.Diagnostic{
				Pos:     id.Pos(),
				End:     id.End(),
				Message: "call of legacy can call modern",
				Related: []analysis.RelatedInformation{
					{Pos: decl, End: decl + token.Pos(len("legacy")), Message: "legacy is declared here"},
				},
				SuggestedFixes: []analysis.SuggestedFix{{
					Message:   "Call modern",
					TextEdits: []analysis.TextEdit{{Pos: id.Pos(), End: id.End(), NewText: []byte("modern")}},
				}},
			})
			return true
		})
	}
	return nil, nil
}

// timeout bounds every wait; the tests take a fraction of it.
const timeout = 20 * time.Second

// A session is an editor connected to a server running in the test. It
// handles what the server sends in order, one message at a time.
type session struct {
	protocol.UnimplementedClient

	t       *testing.T
	server  protocol.Server
	served  chan error    // what Serve returned
	ran     chan struct{} // an analysis ended
	changed chan struct{} // a notification arrived

	mu        sync.Mutex
	published []*protocol.PublishDiagnosticsParams
	logs      []string
}

// start runs a server with opts over pipes and connects to it.
func start(t *testing.T, opts Options) *session {
	t.Helper()
	s := &session{
		t:       t,
		served:  make(chan error, 1),
		ran:     make(chan struct{}, 100),
		changed: make(chan struct{}, 1),
	}
	opts.afterRun = func(string) { s.ran <- struct{}{} }
	if opts.Debounce == 0 {
		opts.Debounce = 10 * time.Millisecond
	}
	if opts.Analyzers == nil {
		opts.Analyzers = []*analysis.Analyzer{legacyAnalyzer}
	}
	serverIn, clientOut := io.Pipe()
	clientIn, serverOut := io.Pipe()
	go func() {
		s.served <- Serve(context.Background(), serverIn, serverOut, opts)
	}()
	conn := jsonrpc2.NewConn(jsonrpc2.NewStream(stdio{clientIn, clientOut}), jsonrpc2.WithCodec(codec{}))
	conn.Go(context.Background(), protocol.ClientHandler(s, jsonrpc2.MethodNotFoundHandler))
	s.server = protocol.ServerDispatcher(conn)
	t.Cleanup(func() {
		clientOut.Close()
		serverOut.Close()
		conn.Close()
		<-s.served // no analysis outlives the test
	})
	return s
}

func (s *session) PublishDiagnostics(ctx context.Context, p *protocol.PublishDiagnosticsParams) error {
	s.record(func() { s.published = append(s.published, p) })
	return nil
}

func (s *session) LogMessage(ctx context.Context, p *protocol.LogMessageParams) error {
	s.record(func() { s.logs = append(s.logs, p.Message) })
	return nil
}

func (s *session) ShowMessage(ctx context.Context, p *protocol.ShowMessageParams) error {
	s.record(func() { s.logs = append(s.logs, "show: "+p.Message) })
	return nil
}

func (s *session) record(add func()) {
	s.mu.Lock()
	add()
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// initialize does the handshake.
func (s *session) initialize() *protocol.InitializeResult {
	s.t.Helper()
	res, err := s.server.Initialize(context.Background(), &protocol.InitializeParams{})
	if err != nil {
		s.t.Fatalf("initialize: %v", err)
	}
	if err := s.server.Initialized(context.Background(), &protocol.InitializedParams{}); err != nil {
		s.t.Fatalf("initialized: %v", err)
	}
	return res
}

func (s *session) open(path, text string) {
	s.t.Helper()
	err := s.server.DidOpen(context.Background(), &protocol.DidOpenTextDocumentParams{
		TextDocument: protocol.TextDocumentItem{URI: uri.File(path), LanguageID: "go", Version: 1, Text: text},
	})
	if err != nil {
		s.t.Fatalf("didOpen: %v", err)
	}
}

func (s *session) change(path string, version int32, text string) {
	s.t.Helper()
	err := s.server.DidChange(context.Background(), &protocol.DidChangeTextDocumentParams{
		TextDocument: protocol.VersionedTextDocumentIdentifier{
			TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri.File(path)},
			Version:                version,
		},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{
			&protocol.TextDocumentContentChangeWholeDocument{Text: text},
		},
	})
	if err != nil {
		s.t.Fatalf("didChange: %v", err)
	}
}

func (s *session) codeActions(path string, rng protocol.Range, only ...protocol.CodeActionKind) []protocol.CommandOrCodeAction {
	s.t.Helper()
	actions, err := s.server.CodeAction(context.Background(), &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(path)},
		Range:        rng,
		Context:      protocol.CodeActionContext{Only: only},
	})
	if err != nil {
		s.t.Fatalf("codeAction: %v", err)
	}
	return actions
}

// waitPublished waits for diagnostics of path at version (0: without a
// version) and returns them.
func (s *session) waitPublished(path string, version int32) *protocol.PublishDiagnosticsParams {
	s.t.Helper()
	var found *protocol.PublishDiagnosticsParams
	s.waitFor("diagnostics of "+filepath.Base(path), func() bool {
		for _, p := range s.published {
			if v, _ := p.Version.Get(); p.URI == uri.File(path) && v == version {
				found = p
			}
		}
		return found != nil
	})
	return found
}

// waitFor waits until cond, called with s.mu held, holds.
func (s *session) waitFor(what string, cond func() bool) {
	s.t.Helper()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		ok := cond()
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-s.changed:
		case <-deadline:
			s.t.Fatalf("timed out waiting for %s; published %s, logged %q", what, s.dump(), s.logs)
		}
	}
}

// waitRun waits for the end of an analysis and for what it sent.
func (s *session) waitRun() {
	s.t.Helper()
	select {
	case <-s.ran:
	case <-time.After(timeout):
		s.t.Fatal("timed out waiting for an analysis")
	}

	s.flush()
}

// flush waits until the notifications the server has written are
// handled: the reply to a request sent now comes after them, and this
// end handles messages in order.
func (s *session) flush() {
	s.t.Helper()
	s.codeActions(filepath.Join(s.t.TempDir(), "none.go"), rng(0, 0, 0, 0))
}

// dump describes what was published. s.mu must be held.
func (s *session) dump() string {
	var b strings.Builder
	for _, p := range s.published {
		v, _ := p.Version.Get()
		fmt.Fprintf(&b, "%s@%d:", filepath.Base(p.URI.FsPath()), v)
		for _, d := range p.Diagnostics {
			fmt.Fprintf(&b, " %v %v;", d.Range, d.Message)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// writeModule writes files into a new module and returns its directory.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["go.mod"] = "module example.com/m\n\ngo 1.22\n"
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func rng(l1, c1, l2, c2 uint32) protocol.Range {
	return protocol.Range{Start: pos(l1, c1), End: pos(l2, c2)}
}

const declText = `package p

func legacy() {}

func modern() {}
`

// useText calls legacy after a comment whose characters are 1, 2 and 4
// bytes long, so that the call starts at byte 19 but UTF-16 unit 14.
const useText = "package p\n\nfunc use() {\n\t/* é 世 🙂 */ legacy()\n}\n"

func TestDiagnosticsAndFixes(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, map[string]string{"decl.go": declText, "use.go": useText})
	use, decl := filepath.Join(dir, "use.go"), filepath.Join(dir, "decl.go")
	s := start(t, Options{Debounce: 300 * time.Millisecond})
	s.initialize()
	s.open(use, useText)

	// The finding, in UTF-16.
	p := s.waitPublished(use, 1)
	if len(p.Diagnostics) != 1 {
		t.Fatalf("published %d diagnostics for use.go, want 1", len(p.Diagnostics))
	}
	d := p.Diagnostics[0]
	want := protocol.Diagnostic{
		Range:           rng(3, 14, 3, 20),
		Severity:        protocol.DiagnosticSeverityWarning,
		Code:            protocol.String("legacy"),
		CodeDescription: protocol.CodeDescription{Href: "https://example.com/docs#legacy"},
		Source:          protocol.NewOptional("procmigrate"),
		Message:         protocol.String("call of legacy can call modern"),
		RelatedInformation: []protocol.DiagnosticRelatedInformation{{
			Location: protocol.Location{URI: uri.File(decl), Range: rng(2, 5, 2, 11)},
			Message:  "legacy is declared here",
		}},
	}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("diagnostic:\n got %+v\nwant %+v", d, want)
	}

	// The fix, for a cursor on the call, linked to the finding.
	actions := s.codeActions(use, rng(3, 16, 3, 16))
	if len(actions) != 1 {
		t.Fatalf("got %d code actions on the call, want 1", len(actions))
	}
	a := actions[0].(*protocol.CodeAction)
	wantEdit := map[uri.URI][]protocol.TextEdit{uri.File(use): {{Range: rng(3, 14, 3, 20), NewText: "modern"}}}
	switch {
	case a.Title != "Call modern":
		t.Errorf("title %q, want %q", a.Title, "Call modern")
	case a.Kind == nil || *a.Kind != protocol.CodeActionKindQuickFix:
		t.Errorf("kind %v, want quickfix", a.Kind)
	case len(a.Diagnostics) != 1 || !reflect.DeepEqual(a.Diagnostics[0], d):
		t.Errorf("action diagnostics %+v, want the published one", a.Diagnostics)
	case a.Edit == nil || !reflect.DeepEqual(a.Edit.Changes, wantEdit):
		t.Errorf("edit %+v, want %+v", a.Edit, wantEdit)
	}

	// Nothing elsewhere, or of another kind.
	if got := s.codeActions(use, rng(2, 0, 2, 5)); len(got) != 0 {
		t.Errorf("got %d code actions on the line above, want 0", len(got))
	}
	if got := s.codeActions(use, rng(3, 0, 3, 30), protocol.CodeActionKindSource); len(got) != 0 {
		t.Errorf("got %d source actions, want 0", len(got))
	}

	// No fix for text that changed since the analysis, until it is
	// analysed again: the change is handled before the next request, and
	// its analysis waits for the debounce time.
	changed := useText + "\n// more\n"
	s.change(use, 2, changed)
	if got := s.codeActions(use, rng(3, 16, 3, 16)); len(got) != 0 {
		t.Errorf("got %d code actions for changed text, want 0", len(got))
	}
	s.waitPublished(use, 2)
	if got := s.codeActions(use, rng(3, 16, 3, 16)); len(got) != 1 {
		t.Errorf("got %d code actions once analysed again, want 1", len(got))
	}

	// Removing the call clears the finding.
	s.change(use, 3, "package p\n\nfunc use() {\n\tmodern()\n}\n")
	if p := s.waitPublished(use, 3); len(p.Diagnostics) != 0 {
		t.Errorf("published %d diagnostics after the call was removed, want 0", len(p.Diagnostics))
	}
}

// TestEveryFileOfThePackage checks that the files that are not open, test
// files included, are reported with the one that is.
func TestEveryFileOfThePackage(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, map[string]string{
		"decl.go":   declText,
		"a.go":      callText("a"),
		"b.go":      callText("b"),
		"c_test.go": callText("c"),
	})
	a := filepath.Join(dir, "a.go")
	s := start(t, Options{})
	s.initialize()
	s.open(a, callText("a"))
	for _, name := range []string{"b.go", "c_test.go"} {
		if p := s.waitPublished(filepath.Join(dir, name), 0); len(p.Diagnostics) != 1 {
			t.Errorf("published %d diagnostics for %s, want 1", len(p.Diagnostics), name)
		}
	}
	if p := s.waitPublished(a, 1); len(p.Diagnostics) != 1 {
		t.Errorf("published %d diagnostics for a.go, want 1", len(p.Diagnostics))
	}
}

// callText is a file of package p that calls legacy in function name.
func callText(name string) string {
	return "package p\n\nfunc " + name + "() { legacy() }\n"
}

// TestUnsaved checks the unsaved changes that the disk, as go list sees
// it, does not describe: a new file, a new import, a file that a build
// constraint leaves out of the package.
func TestUnsaved(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, map[string]string{"decl.go": declText, "a.go": callText("a")})
	a, n := filepath.Join(dir, "a.go"), filepath.Join(dir, "new.go")
	s := start(t, Options{})
	s.initialize()

	s.open(n, callText("n"))
	if p := s.waitPublished(n, 1); len(p.Diagnostics) != 1 {
		t.Errorf("published %d diagnostics for a file not on disk, want 1", len(p.Diagnostics))
	}
	s.waitPublished(a, 0)

	s.open(a, callText("a"))
	// An import without imports of its own, since a load with an overlay
	// type-checks every dependency from source.
	imports := "package p\n\nimport \"unicode/utf8\"\n\nfunc a() { legacy(); _ = utf8.RuneLen('x') }\n"
	s.change(a, 2, imports)
	if p := s.waitPublished(a, 2); len(p.Diagnostics) != 1 {
		t.Errorf("published %d diagnostics with a new import, want 1", len(p.Diagnostics))
	}

	s.change(a, 3, "//go:build ignore\n\n"+imports)
	if p := s.waitPublished(a, 3); len(p.Diagnostics) != 0 {
		t.Errorf("published %d diagnostics for a file outside the package, want 0", len(p.Diagnostics))
	}
	s.flush()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.logs) > 0 {
		t.Errorf("logged %q", s.logs)
	}
}

// TestSaveReadsTheDisk checks that a save analyses the package again from
// the disk, where files the editor does not hold open may have changed
// meanwhile, as a checkout or a generator changes them: the findings of
// the changed file are published, and those of the open file again at its
// version.
func TestSaveReadsTheDisk(t *testing.T) {
	t.Parallel()
	clean := "package p\n\nfunc b() {}\n"
	dir := writeModule(t, map[string]string{"decl.go": declText, "a.go": callText("a"), "b.go": clean})
	a, b := filepath.Join(dir, "a.go"), filepath.Join(dir, "b.go")
	s := start(t, Options{})
	s.initialize()
	s.open(a, callText("a"))
	if p := s.waitPublished(a, 1); len(p.Diagnostics) != 1 {
		t.Fatalf("published %d diagnostics for a.go, want 1", len(p.Diagnostics))
	}
	s.waitRun()
	s.mu.Lock()
	before := len(s.published)
	s.mu.Unlock()

	// b.go gains a finding on disk; nothing tells the server until a save.
	if err := os.WriteFile(b, []byte(callText("b")), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := s.server.DidSave(context.Background(), &protocol.DidSaveTextDocumentParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(a)},
	}); err != nil {
		t.Fatal(err)
	}
	s.waitRun()
	s.mu.Lock()
	after := slices.Clone(s.published[before:])
	s.mu.Unlock()
	var gotA, gotB *protocol.PublishDiagnosticsParams
	for _, p := range after {
		switch p.URI {
		case uri.File(a):
			gotA = p
		case uri.File(b):
			gotB = p
		}
	}
	if gotB == nil || len(gotB.Diagnostics) != 1 || gotB.Diagnostics[0].Range != rng(2, 11, 2, 17) {
		t.Errorf("after the save, b.go was published as %+v, want its call of legacy at 2:11-2:17", gotB)
	}
	if v, _ := gotA.Version.Get(); gotA == nil || v != 1 || len(gotA.Diagnostics) != 1 {
		t.Errorf("after the save, a.go was published as %+v, want its finding again at version 1", gotA)
	}

	// Mended on disk: the next save clears b.go.
	if err := os.WriteFile(b, []byte(clean), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := s.server.DidSave(context.Background(), &protocol.DidSaveTextDocumentParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(a)},
	}); err != nil {
		t.Fatal(err)
	}
	s.waitRun()
	s.mu.Lock()
	last := s.published[len(s.published)-1]
	cleared := false
	for _, p := range s.published[before+len(after):] {
		cleared = cleared || p.URI == uri.File(b) && len(p.Diagnostics) == 0
	}
	s.mu.Unlock()
	if !cleared {
		t.Errorf("b.go was not cleared after it was mended on disk and a.go saved; last published %+v", last)
	}
}

// TestBrokenPackage checks that a package that does not type-check keeps
// its findings, and that the reason is logged once while it stays broken.
func TestBrokenPackage(t *testing.T) {
	t.Parallel()
	good := "package p\n\nfunc a() { legacy() }\n"
	broken := "package p\n\nfunc a() { legacy(); missing() }\n"
	dir := writeModule(t, map[string]string{"decl.go": declText, "a.go": good})
	a := filepath.Join(dir, "a.go")
	s := start(t, Options{})
	s.initialize()
	s.open(a, good)
	s.waitPublished(a, 1)
	s.waitRun()

	logged := func() []string {
		s.mu.Lock()
		defer s.mu.Unlock()
		return slices.Clone(s.logs)
	}
	count := func() int {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.published)
	}
	before := count()

	// Break it twice, with another error the second time.
	s.change(a, 2, broken)
	s.waitRun()
	s.change(a, 3, "package p\n\nfunc a() { legacy(); missing(); other() }\n")
	s.waitRun()
	logs := logged()
	if len(logs) != 1 || !strings.Contains(logs[0], "example.com/m is not analysed until it type-checks") || !strings.Contains(logs[0], "missing") {
		t.Errorf("logged %q, want one line about missing", logs)
	}
	if n := count(); n != before {
		t.Errorf("published %d times for a broken package, want 0", n-before)
	}

	// Mend it, then break it again.
	s.change(a, 4, "package p\n\nfunc a() {}\n")
	if p := s.waitPublished(a, 4); len(p.Diagnostics) != 0 {
		t.Errorf("published %d diagnostics once mended, want 0", len(p.Diagnostics))
	}
	s.waitRun()
	s.change(a, 5, broken)
	s.waitRun()
	if logs := logged(); len(logs) != 2 {
		t.Errorf("logged %q, want the breakage logged again", logs)
	}
}

// TestNoModule checks that a file outside any module is reported once, as
// something to act on, and does not stop the server.
func TestNoModule(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.go")
	if err := os.WriteFile(a, []byte("package p\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	s := start(t, Options{})
	s.initialize()
	s.open(a, "package p\n")
	s.waitRun()
	if err := s.server.DidSave(context.Background(), &protocol.DidSaveTextDocumentParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(a)},
	}); err != nil {
		t.Fatal(err)
	}
	s.waitRun()
	s.mu.Lock()
	logs, published := slices.Clone(s.logs), len(s.published)
	s.mu.Unlock()
	if len(logs) != 1 {
		t.Errorf("logged %q, want one message", logs)
	}
	if published != 0 {
		t.Errorf("published %d times, want 0", published)
	}
}

// TestReplacesStaleRuns checks that of two changes in a row only the
// second is analysed and published.
func TestReplacesStaleRuns(t *testing.T) {
	t.Parallel()
	with := "package p\n\nfunc a() { legacy() }\n"
	dir := writeModule(t, map[string]string{"decl.go": declText, "a.go": with})
	a := filepath.Join(dir, "a.go")
	s := start(t, Options{Debounce: 100 * time.Millisecond})
	s.initialize()
	s.open(a, with)
	s.waitPublished(a, 1)

	s.change(a, 2, "package p\n\nfunc a() {}\n")
	s.change(a, 3, "package p\n\nfunc a() {\n\tlegacy()\n}\n")
	p := s.waitPublished(a, 3)
	if len(p.Diagnostics) != 1 || p.Diagnostics[0].Range.Start.Line != 3 {
		t.Errorf("published %+v for the last change, want one diagnostic on line 3", p.Diagnostics)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.published {
		if v, _ := p.Version.Get(); v == 2 {
			t.Errorf("published diagnostics of version 2, replaced before its analysis")
		}
	}
}

// TestAnalyzerPanic checks that an analyzer that panics costs an analysis,
// not the server.
func TestAnalyzerPanic(t *testing.T) {
	t.Parallel()
	boom := &analysis.Analyzer{
		Name: "boom",
		Doc:  "panic on a call of boom",
		Run: func(pass *analysis.Pass) (any, error) {
			for _, f := range pass.Files {
				ast.Inspect(f, func(n ast.Node) bool {
					if id, ok := n.(*ast.Ident); ok && id.Name == "boom" {
						panic("boom")
					}
					return true
				})
			}
			return runLegacy(pass)
		},
	}
	dir := writeModule(t, map[string]string{"a.go": "package p\n\nfunc boom() {}\n"})
	a := filepath.Join(dir, "a.go")
	s := start(t, Options{Analyzers: []*analysis.Analyzer{boom}})
	s.initialize()
	s.open(a, "package p\n\nfunc boom() {}\n")
	s.waitRun()
	s.change(a, 2, "package p\n\nfunc legacy() {}\n\nfunc a() { legacy() }\n")
	if p := s.waitPublished(a, 2); len(p.Diagnostics) != 1 {
		t.Errorf("published %d diagnostics after the panic, want 1", len(p.Diagnostics))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.logs) != 1 || !strings.Contains(s.logs[0], "show: procmigrate: analyze "+dir+": panic: boom") {
		t.Errorf("logged %q, want the panic shown", s.logs)
	}
}

// TestDependentsKeepFindings pins a known shortcoming: a package is not
// analysed again when a package it imports changes.
func TestDependentsKeepFindings(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, map[string]string{
		"lib/lib.go": "package lib\n\nfunc F() {}\n",
		"p/p.go":     "package p\n\nimport \"example.com/m/lib\"\n\nfunc legacy() {}\n\nfunc a() { legacy(); lib.F() }\n",
	})
	p, lib := filepath.Join(dir, "p", "p.go"), filepath.Join(dir, "lib", "lib.go")
	s := start(t, Options{})
	s.initialize()
	s.open(p, "package p\n\nimport \"example.com/m/lib\"\n\nfunc legacy() {}\n\nfunc a() { legacy(); lib.F() }\n")
	s.waitPublished(p, 1)
	s.waitRun()

	s.open(lib, "package lib\n\nfunc F() {}\n")
	s.waitRun()
	s.change(lib, 2, "package lib\n\nfunc F() {}\n\nfunc G() {}\n")
	s.waitRun()
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, pub := range s.published {
		if pub.URI == uri.File(p) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("p.go published %d times; if the TODO in schedule is done, update this test", n)
	}
}

// jsonrpcCode returns the JSON-RPC error code of err, or 0.
func jsonrpcCode(err error) jsonrpc2.Code {
	var e *jsonrpc2.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := start(t, Options{})

	// Before initialize: requests fail, notifications are dropped.
	_, err := s.server.CodeAction(ctx, &protocol.CodeActionParams{})
	if jsonrpcCode(err) != jsonrpc2.ServerNotInitialized {
		t.Errorf("codeAction before initialize: %v, want code %d", err, jsonrpc2.ServerNotInitialized)
	}
	s.open(filepath.Join(t.TempDir(), "a.go"), "package p\n")

	res := s.initialize()
	ts, _ := res.Capabilities.TextDocumentSync.(*protocol.TextDocumentSyncOptions)
	if ts == nil || ts.Change == nil || *ts.Change != protocol.TextDocumentSyncKindFull || ts.OpenClose == nil || !*ts.OpenClose {
		t.Errorf("textDocumentSync %+v, want open/close and full changes", res.Capabilities.TextDocumentSync)
	}
	actions, _ := res.Capabilities.CodeActionProvider.(*protocol.CodeActionOptions)
	if actions == nil || !slices.Equal(actions.CodeActionKinds, []protocol.CodeActionKind{protocol.CodeActionKindQuickFix}) {
		t.Errorf("codeActionProvider %+v, want quickfix", res.Capabilities.CodeActionProvider)
	}
	if res.ServerInfo.Name != "procmigrate" {
		t.Errorf("server name %q, want procmigrate", res.ServerInfo.Name)
	}
	if _, err := s.server.Initialize(ctx, &protocol.InitializeParams{}); jsonrpcCode(err) != jsonrpc2.InvalidRequest {
		t.Errorf("second initialize: %v, want code %d", err, jsonrpc2.InvalidRequest)
	}

	// Unknown methods leave the connection up.
	if _, err := s.server.Request(ctx, "$/unknown", map[string]any{}); jsonrpcCode(err) != jsonrpc2.MethodNotFound {
		t.Errorf("unknown request: %v, want code %d", err, jsonrpc2.MethodNotFound)
	}
	if got := s.codeActions(filepath.Join(t.TempDir(), "a.go"), rng(0, 0, 0, 0)); len(got) != 0 {
		t.Errorf("code actions for a file never analysed: %v", got)
	}

	// After shutdown only exit.
	if err := s.server.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if _, err := s.server.CodeAction(ctx, &protocol.CodeActionParams{}); jsonrpcCode(err) != jsonrpc2.InvalidRequest {
		t.Errorf("codeAction after shutdown: %v, want code %d", err, jsonrpc2.InvalidRequest)
	}
	if err := s.server.Exit(ctx); err != nil {
		t.Fatalf("exit: %v", err)
	}
	select {
	case err := <-s.served:
		if err != nil {
			t.Errorf("Serve after shutdown and exit: %v, want nil", err)
		}
		s.served <- err // for the cleanup
	case <-time.After(timeout):
		t.Fatal("Serve did not return after exit")
	}
}

func TestExitWithoutShutdown(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	s.initialize()
	if err := s.server.Exit(context.Background()); err != nil {
		t.Fatalf("exit: %v", err)
	}
	err := <-s.served
	s.served <- err
	if !errors.Is(err, errExitBeforeShutdown) {
		t.Errorf("Serve: %v, want %v", err, errExitBeforeShutdown)
	}
}
