package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/procmigrate/procmigrate/analyzers/execworker"
)

// workerMain re-executes itself as three workers, which count what they
// serve in a package variable: sharedvar reports it, with a fix. The
// comment before the call has characters of 2 and 4 bytes, which are 1
// and 2 UTF-16 units.
const workerMain = `package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
)

type task struct{ N int }

type result struct{ Sum int }

// served counts the tasks this process has served.
var served int64

func main() {
	if len(os.Args) > 1 && os.Args[1] == "agent" {
		serve(os.Stdin, os.Stdout)
		return
	}
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	for n := range 3 {
		cmd := /* é 🙂 */ exec.Command(exe, "agent")
		in, _ := cmd.StdinPipe()
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			panic(err)
		}
		json.NewEncoder(in).Encode(task{N: n})
		in.Close()
		var r result
		json.NewDecoder(out).Decode(&r)
		cmd.Wait()
		fmt.Println(r.Sum)
	}
}

func serve(r io.Reader, w io.Writer) {
	var t task
	json.NewDecoder(r).Decode(&t)
	served++
	json.NewEncoder(w).Encode(result{Sum: t.N * (t.N + 1) / 2})
}
`

// spareWorker is a file of workerMain's package that starts the worker
// once more.
const spareWorker = `package main

import (
	"os"
	"os/exec"
)

func spare() error { return exec.Command(os.Args[0], "agent").Run() }
`

// TestLSPBinary drives the migrate binary as an editor does, over its
// standard input and output. The module has no test file: procglobal uses
// facts, so every dependency is type-checked from source, and testing
// would double the time. The server's own tests cover test files.
func TestLSPBinary(t *testing.T) {
	bin := buildMigrate(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), "module example.com/x\n\ngo 1.22\n")
	writeFile(t, filepath.Join(dir, "main.go"), workerMain)
	mainGo := filepath.Join(dir, "main.go")
	ctx := context.Background()

	ed := startLSP(t, bin, dir)
	if res, err := ed.server.Initialize(ctx, &protocol.InitializeParams{}); err != nil {
		t.Fatalf("initialize: %v", err)
	} else if res.ServerInfo.Name != "procmigrate" {
		t.Errorf("server name %q, want procmigrate", res.ServerInfo.Name)
	}
	if err := ed.server.Initialized(ctx, &protocol.InitializedParams{}); err != nil {
		t.Fatalf("initialized: %v", err)
	}

	// Open the worker program: the spawn is reported.
	err := ed.server.DidOpen(ctx, &protocol.DidOpenTextDocumentParams{
		TextDocument: protocol.TextDocumentItem{URI: uri.File(mainGo), LanguageID: "go", Version: 1, Text: workerMain},
	})
	if err != nil {
		t.Fatalf("didOpen: %v", err)
	}
	diags := ed.wait(t, mainGo, 1)
	found := findDiagnostic(t, diags, "execworker")
	if want := spanOf(workerMain, `exec.Command(exe, "agent")`); found.Range != want {
		t.Errorf("range %+v, want %+v", found.Range, want)
	}
	if src, _ := found.Source.Get(); src != "procmigrate" {
		t.Errorf("source %q, want procmigrate", src)
	}
	if found.Severity != protocol.DiagnosticSeverityWarning {
		t.Errorf("severity %v, want warning", found.Severity)
	}
	if found.CodeDescription.Href != uri.URI(execworker.Analyzer.URL) {
		t.Errorf("href %q, want %q", found.CodeDescription.Href, execworker.Analyzer.URL)
	}
	if msg, _ := found.Message.(protocol.String); !strings.HasPrefix(string(msg), "worker spawned with exec.Command re-executes this binary") {
		t.Errorf("message %q", msg)
	}

	// The worker's counter is shared once the workers are goroutines:
	// sharedvar offers its fix as a quickfix linked to the finding.
	shared := findDiagnostic(t, diags, "sharedvar")
	if want := spanOf(workerMain, "served++"); shared.Range.Start != want.Start {
		t.Errorf("sharedvar range %+v, want it to start at %+v", shared.Range, want.Start)
	}
	actions, err := ed.server.CodeAction(ctx, &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(mainGo)},
		Range:        shared.Range,
	})
	if err != nil {
		t.Fatalf("codeAction: %v", err)
	}
	if len(actions) != 1 {
		t.Fatalf("got %d code actions on the counter, want 1: %+v", len(actions), actions)
	}
	ca, ok := actions[0].(*protocol.CodeAction)
	switch {
	case !ok:
		t.Fatalf("code action %+v is a command", actions[0])
	case ca.Title != "Make served a sync/atomic.Int64":
		t.Errorf("title %q", ca.Title)
	case ca.Kind == nil || *ca.Kind != protocol.CodeActionKindQuickFix:
		t.Errorf("kind %v, want quickfix", ca.Kind)
	case len(ca.Diagnostics) != 1 || ca.Diagnostics[0].Range != shared.Range || ca.Diagnostics[0].Code != shared.Code:
		t.Errorf("action diagnostics %+v, want the sharedvar finding", ca.Diagnostics)
	case ca.Edit == nil || len(ca.Edit.Changes) != 1 || ca.Edit.Changes[uri.File(mainGo)] == nil:
		t.Fatalf("edit %+v, want edits of main.go only", ca.Edit)
	}
	fixed := applyEdits(t, workerMain, ca.Edit.Changes[uri.File(mainGo)])
	wantFixed := strings.NewReplacer(
		"\t\"os/exec\"\n", "\t\"os/exec\"\n\t\"sync/atomic\"\n",
		"var served int64", "var served atomic.Int64",
		"served++", "served.Add(1)",
	).Replace(workerMain)
	if fixed != wantFixed {
		t.Errorf("the fix makes main.go:\n%s\nwant:\n%s", fixed, wantFixed)
	}

	// The editor applies the fix: the finding is gone, the others stay.
	changeDocument(t, ed, mainGo, 2, fixed)
	diags = ed.wait(t, mainGo, 2)
	for _, d := range diags {
		if d.Code == protocol.String("sharedvar") {
			t.Errorf("sharedvar still reports after its fix: %+v", d)
		}
	}
	findDiagnostic(t, diags, "execworker")

	// The editor saves, and a file it does not hold open changes on disk
	// meanwhile: the save makes the server read the disk again.
	writeFile(t, mainGo, fixed)
	spareGo := filepath.Join(dir, "spare.go")
	writeFile(t, spareGo, spareWorker)
	if err := ed.server.DidSave(ctx, &protocol.DidSaveTextDocumentParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(mainGo)},
	}); err != nil {
		t.Fatalf("didSave: %v", err)
	}
	spare := findDiagnostic(t, ed.wait(t, spareGo, 0), "execworker")
	if want := spanOf(spareWorker, `exec.Command(os.Args[0], "agent")`); spare.Range != want {
		t.Errorf("spare.go: range %+v, want %+v", spare.Range, want)
	}

	// Remove the workers, unsaved: main.go's findings are cleared.
	changeDocument(t, ed, mainGo, 3, "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(6) }\n")
	if diags := ed.wait(t, mainGo, 3); len(diags) != 0 {
		t.Errorf("diagnostics after the worker was removed: %+v", diags)
	}

	// Shut down and exit: status 0, nothing on stderr.
	if err := ed.server.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if err := ed.server.Exit(ctx); err != nil {
		t.Fatalf("exit: %v", err)
	}
	if code := ed.exitCode(t); code != 0 {
		t.Errorf("exit status %d after shutdown and exit, want 0", code)
	}
	if stderr := ed.stderr.String(); stderr != "" {
		t.Errorf("stderr: %s", stderr)
	}

	// Exit without shutdown: status 1.
	ed = startLSP(t, bin, dir)
	if _, err := ed.server.Initialize(ctx, &protocol.InitializeParams{}); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	if err := ed.server.Exit(ctx); err != nil {
		t.Fatalf("exit: %v", err)
	}
	if code := ed.exitCode(t); code != 1 {
		t.Errorf("exit status %d after exit without shutdown, want 1", code)
	}
	if !strings.Contains(ed.stderr.String(), "exit notification before shutdown") {
		t.Errorf("stderr %q does not say why", ed.stderr.String())
	}
}

// findDiagnostic returns the diagnostic of analyzer in diags.
func findDiagnostic(t *testing.T, diags []protocol.Diagnostic, analyzer string) *protocol.Diagnostic {
	t.Helper()
	for i, d := range diags {
		if d.Code == protocol.String(analyzer) {
			return &diags[i]
		}
	}
	t.Fatalf("no %s diagnostic in %+v", analyzer, diags)
	return nil
}

// changeDocument sends the whole new text of path at version.
func changeDocument(t *testing.T, ed *editor, path string, version int32, text string) {
	t.Helper()
	err := ed.server.DidChange(context.Background(), &protocol.DidChangeTextDocumentParams{
		TextDocument: protocol.VersionedTextDocumentIdentifier{
			TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri.File(path)},
			Version:                version,
		},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{
			&protocol.TextDocumentContentChangeWholeDocument{Text: text},
		},
	})
	if err != nil {
		t.Fatalf("didChange: %v", err)
	}
}

// applyEdits applies edits, in UTF-16 positions of text as the protocol
// counts them and not overlapping, as an editor applies them.
func applyEdits(t *testing.T, text string, edits []protocol.TextEdit) string {
	t.Helper()
	offset := func(p protocol.Position) int {
		lines := strings.SplitAfter(text, "\n")
		if int(p.Line) >= len(lines) {
			t.Fatalf("edit at line %d of a text of %d lines", p.Line, len(lines))
		}
		off := 0
		for _, l := range lines[:p.Line] {
			off += len(l)
		}
		units := uint32(0)
		for i, r := range lines[p.Line] {
			if units >= p.Character {
				return off + i
			}
			units += uint32(len(utf16.Encode([]rune{r})))
		}
		return off + len(lines[p.Line])
	}
	edits = slices.Clone(edits)
	slices.SortFunc(edits, func(a, b protocol.TextEdit) int { return offset(b.Range.Start) - offset(a.Range.Start) })
	for _, e := range edits {
		start, end := offset(e.Range.Start), offset(e.Range.End)
		text = text[:start] + e.NewText + text[end:]
	}
	return text
}

// buildMigrate builds the command into a temporary directory.
func buildMigrate(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "migrate")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o666); err != nil {
		t.Fatal(err)
	}
}

// spanOf returns the range of the first occurrence of s in text, in UTF-16
// units as the protocol counts them.
func spanOf(text, s string) protocol.Range {
	i := strings.Index(text, s)
	line := strings.Count(text[:i], "\n")
	start := text[strings.LastIndex(text[:i], "\n")+1 : i]
	char := uint32(len(utf16.Encode([]rune(start))))
	end := char + uint32(len(utf16.Encode([]rune(s))))
	return protocol.Range{
		Start: protocol.Position{Line: uint32(line), Character: char},
		End:   protocol.Position{Line: uint32(line), Character: end},
	}
}

// An editor is a migrate lsp process and the client end of its stream.
type editor struct {
	protocol.UnimplementedClient
	cmd     *exec.Cmd
	server  protocol.Server
	stderr  *lockedBuffer
	changed chan struct{}

	mu        sync.Mutex
	published []*protocol.PublishDiagnosticsParams
}

// startLSP starts "migrate lsp" in dir and connects to it.
func startLSP(t *testing.T, bin, dir string) *editor {
	t.Helper()
	ed := &editor{stderr: new(lockedBuffer), changed: make(chan struct{}, 1)}
	ed.cmd = exec.Command(bin, "lsp")
	ed.cmd.Dir = dir
	ed.cmd.Env = append(os.Environ(), "GOWORK=off", "GOPROXY=off", "GOTOOLCHAIN=local")
	ed.cmd.Stderr = ed.stderr
	stdin, err := ed.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := ed.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := ed.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	_, conn, server := protocol.NewClient(context.Background(), ed, jsonrpc2.NewStream(pipes{stdout, stdin}))
	ed.server = server
	t.Cleanup(func() {
		ed.cmd.Process.Kill()
		ed.cmd.Wait()
		conn.Close()
	})
	return ed
}

func (ed *editor) PublishDiagnostics(ctx context.Context, p *protocol.PublishDiagnosticsParams) error {
	ed.mu.Lock()
	ed.published = append(ed.published, p)
	ed.mu.Unlock()
	select {
	case ed.changed <- struct{}{}:
	default:
	}
	return nil
}

// wait waits for the diagnostics of path at version. The client handles
// notifications concurrently, so they are matched by version, not order.
func (ed *editor) wait(t *testing.T, path string, version int32) []protocol.Diagnostic {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		ed.mu.Lock()
		for _, p := range ed.published {
			if v, _ := p.Version.Get(); p.URI == uri.File(path) && v == version {
				ed.mu.Unlock()
				return p.Diagnostics
			}
		}
		ed.mu.Unlock()
		select {
		case <-ed.changed:
		case <-deadline:
			t.Fatalf("no diagnostics for %s at version %d; stderr: %s", filepath.Base(path), version, ed.stderr.String())
		}
	}
}

// exitCode waits for the process to exit and returns its status.
func (ed *editor) exitCode(t *testing.T) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- ed.cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		} else if err != nil {
			t.Fatalf("wait: %v", err)
		}
		return 0
	case <-time.After(20 * time.Second):
		t.Fatal("migrate lsp did not exit")
		return -1
	}
}

// pipes joins the process's stdout and stdin into one stream.
type pipes struct {
	io.ReadCloser
	w io.WriteCloser
}

func (p pipes) Write(b []byte) (int, error) { return p.w.Write(b) }
func (p pipes) Close() error                { return errors.Join(p.ReadCloser.Close(), p.w.Close()) }

// lockedBuffer is a buffer that the process's stderr is copied into while
// the test may read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
