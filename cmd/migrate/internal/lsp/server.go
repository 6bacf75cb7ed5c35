// Package lsp serves the procmigrate analyzers to editors over the Language
// Server Protocol. It runs beside gopls, which cannot load analyzers from
// outside golang.org/x/tools.
//
// The server keeps the text of every open Go file. When one is opened,
// changed or saved it loads the package in the file's directory with
// go/packages, tests included and the unsaved text of every open file laid
// over the disk, runs the analyzers with the go/analysis checker and
// publishes the findings of every file of that package. Each suggested fix
// of a finding is offered as a quickfix code action.
package lsp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"
)

// Source is the source of every diagnostic the server publishes, which is
// how editors tell them from those of gopls.
const Source = "procmigrate"

// DefaultDebounce is how long the server waits after a change before it
// analyses, so that typing does not start a load per keystroke.
const DefaultDebounce = 300 * time.Millisecond

// Options configures the server.
type Options struct {
	// Analyzers are run on the packages of the files the editor opens.
	Analyzers []*analysis.Analyzer

	// Mode is added to the packages.LoadMode the server always uses,
	// packages.LoadSyntax | packages.NeedModule; analyzers that use facts
	// need packages.LoadAllSyntax.
	Mode packages.LoadMode

	// LoadError returns why packages, loaded in dir, cannot be analysed:
	// they or a dependency do not parse or type-check. Nil means the first
	// error of the packages or their dependencies, as go/packages words it.
	LoadError func(dir string, pkgs []*packages.Package) error

	// Debounce is how long to wait after a change before analysing; zero
	// means DefaultDebounce.
	Debounce time.Duration

	// Version is reported to the editor as the server's version.
	Version string

	// Log receives what the editor cannot be told, such as a reply that
	// could not be written. Nil discards it.
	Log io.Writer

	// afterRun, if set, is called with the directory each time an analysis
	// ends that was not cancelled before its check, so that tests can wait
	// for what is not published.
	afterRun func(dir string)
}

// lifecycle is where the server is in the protocol's life cycle.
type lifecycle int

const (
	stateNew      lifecycle = iota // waiting for initialize
	stateRunning                   // initialized
	stateShutDown                  // shutdown received; only exit is accepted
	stateExited                    // exit received or connection gone
)

var (
	errExitBeforeShutdown = errors.New("exit notification before shutdown request")
	errClosedEarly        = errors.New("editor closed the connection before shutdown")
)

// Serve runs the server on in and out, the Content-Length framed JSON-RPC
// stream the editor started it with, until the editor sends exit or closes
// the stream. It returns nil after an orderly shutdown and exit, and an
// error otherwise, as the protocol asks the process to exit with 1 then.
//
// After exit it stops reading in the background: reading from a terminal
// or pipe cannot be interrupted, and the process is about to end anyway.
func Serve(ctx context.Context, in io.Reader, out io.Writer, opts Options) error {
	if err := analysis.Validate(opts.Analyzers); err != nil {
		return fmt.Errorf("check analyzers: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	conn := jsonrpc2.NewConn(jsonrpc2.NewStream(stdio{in, out}), jsonrpc2.WithCodec(codec{}))
	s := newServer(ctx, opts, protocol.ClientDispatcher(conn))
	conn.Go(ctx, s.handler())

	var exited bool
	select {
	case <-s.exit:
		exited = true
	case <-conn.Done():
	case <-ctx.Done():
	}
	shutDown := s.stop()
	if exited {
		go func() {
			if err := conn.Close(); err != nil {
				s.logf("close connection: %v", err)
			}
		}()
	}

	switch {
	case exited && shutDown:
		return nil
	case exited:
		return errExitBeforeShutdown
	case ctx.Err() != nil:
		return ctx.Err()
	}
	if err := conn.Err(); err != nil {
		return fmt.Errorf("read from editor: %w", err)
	}
	if !shutDown {
		return errClosedEarly
	}
	return nil
}

// server is the state of one editor session. Handlers run one at a time on
// the connection's read goroutine, in the order the editor sent them, so
// that a change is never applied before the open it follows; analyses run
// on goroutines of their own and publish under publishMu.
type server struct {
	protocol.UnimplementedServer

	opts   Options
	client protocol.Client
	ctx    context.Context // cancelled when Serve returns; analyses derive from it

	exit     chan struct{} // closed by the exit notification
	exitOnce sync.Once
	analyses sync.WaitGroup // running analyses, which stop waits for

	logMu sync.Mutex // serializes writes to opts.Log

	// publishMu is held while a run publishes, so that a run's check that
	// it is the latest for its directory and its notifications are one
	// step: a newer run publishes after it, never before.
	publishMu sync.Mutex

	mu        sync.Mutex
	state     lifecycle
	shutDown  bool
	docs      map[string]*document   // open files by path
	runs      map[string]*run        // latest analysis by directory
	published map[string]*fileReport // what the editor shows, by path
	logged    map[string][]string    // keys of the problems of the last run, by directory
}

func newServer(ctx context.Context, opts Options, client protocol.Client) *server {
	if opts.Debounce == 0 {
		opts.Debounce = DefaultDebounce
	}
	if opts.LoadError == nil {
		opts.LoadError = firstError
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	return &server{
		opts:      opts,
		client:    client,
		ctx:       ctx,
		exit:      make(chan struct{}),
		docs:      make(map[string]*document),
		runs:      make(map[string]*run),
		published: make(map[string]*fileReport),
		logged:    make(map[string][]string),
	}
}

// handler returns the connection's handler: the protocol package's
// dispatch to the Server methods, behind the life cycle rules.
func (s *server) handler() jsonrpc2.Handler {
	next := protocol.CancelHandler(protocol.ServerHandler(s, jsonrpc2.MethodNotFoundHandler))
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		// The request's context is recycled when the handler returns, but
		// a context derived from it, as CancelHandler derives one, watches
		// it from a goroutine that may run later. Every handler is quick,
		// so the connection's context serves.
		ctx = jsonrpc2.DetachContext(ctx)
		if err := s.admit(req.Method()); err != nil {
			if !req.IsCall() {
				return nil, nil // the protocol drops such notifications
			}
			return nil, err
		}
		result, err := next(ctx, req)
		if err != nil && !req.IsCall() {
			// A notification has no reply to carry the error, and
			// returning it would close the connection.
			s.logf("%s: %v", req.Method(), err)
			return nil, nil
		}
		return result, err
	}
}

// admit returns the error the protocol prescribes for method in the
// current state: before initialize only initialize is served, after
// shutdown only exit.
func (s *server) admit(method string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case method == protocol.MethodExit:
		return nil
	case s.state == stateNew && method != protocol.MethodInitialize:
		return jsonrpc2.NewError(jsonrpc2.ServerNotInitialized, "server not initialized")
	case s.state == stateNew:
		return nil
	case method == protocol.MethodInitialize:
		return jsonrpc2.NewError(jsonrpc2.InvalidRequest, "server already initialized")
	case s.state != stateRunning:
		return jsonrpc2.NewError(jsonrpc2.InvalidRequest, "server is shut down")
	}
	return nil
}

// Initialize answers with what the server does: full text sync, with saves
// reported, and quick fixes. Positions are in UTF-16, the protocol's
// default, so none is negotiated.
func (s *server) Initialize(ctx context.Context, params *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	s.mu.Lock()
	s.state = stateRunning
	s.mu.Unlock()

	result := &protocol.InitializeResult{
		Capabilities: protocol.ServerCapabilities{
			TextDocumentSync: &protocol.TextDocumentSyncOptions{
				OpenClose: new(true),
				Change:    new(protocol.TextDocumentSyncKindFull),
				Save:      protocol.Boolean(true),
			},
			CodeActionProvider: &protocol.CodeActionOptions{
				CodeActionKinds: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix},
			},
		},
		ServerInfo: protocol.ServerInfo{Name: Source},
	}
	if s.opts.Version != "" {
		result.ServerInfo.Version = protocol.NewOptional(s.opts.Version)
	}
	return result, nil
}

// Shutdown stops the analyses; nothing is published after it.
func (s *server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = stateShutDown
	s.shutDown = true
	s.cancelRuns()
	return nil
}

// Exit ends Serve.
func (s *server) Exit(ctx context.Context) error {
	s.exitOnce.Do(func() { close(s.exit) })
	return nil
}

// stop refuses further work, cancels and waits for the analyses, and
// reports whether the editor asked for shutdown.
func (s *server) stop() bool {
	s.mu.Lock()
	s.state = stateExited
	s.cancelRuns()
	shutDown := s.shutDown
	s.mu.Unlock()

	s.analyses.Wait()
	return shutDown
}

// cancelRuns cancels every analysis. s.mu must be held.
func (s *server) cancelRuns() {
	for dir, r := range s.runs {
		r.cancel()
		delete(s.runs, dir)
	}
}

// logf writes a line to the log.
func (s *server) logf(format string, args ...any) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.opts.Log, "procmigrate lsp: "+format+"\n", args...)
}

// firstError is the default Options.LoadError: the first error of the
// first package with errors, dependencies first, preferring one with a
// position. The go command's own report of a failed build names the
// temporary copy of an unsaved file, a new name at each load.
func firstError(dir string, pkgs []*packages.Package) error {
	var errs []packages.Error
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if errs == nil && len(p.Errors) > 0 {
			errs = p.Errors
		}
	})
	if errs == nil {
		return nil
	}
	for _, e := range errs {
		if e.Pos != "" && e.Pos != "-" {
			return e
		}
	}
	return errs[0]
}

// stdio joins the two ends of the editor's connection.
type stdio struct {
	io.Reader
	io.Writer
}

// Close closes both ends that can be closed.
func (s stdio) Close() error {
	var errs []error
	if c, ok := s.Reader.(io.Closer); ok {
		errs = append(errs, c.Close())
	}
	if c, ok := s.Writer.(io.Closer); ok {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

// codec encodes payloads with the protocol package's codec, which knows
// its union types, and passes raw JSON through. protocol.NewServer would
// install the same codec, but it also runs every request concurrently,
// which could apply a didChange before the didOpen it follows.
type codec struct{}

func (codec) Marshal(v any) ([]byte, error) {
	if raw, ok := v.(jsonrpc2.RawMessage); ok {
		return jsonrpc2.JSONCodec{}.Marshal(raw)
	}
	return protocol.Marshal(v)
}

func (codec) Unmarshal(data []byte, v any) error {
	if raw, ok := v.(*jsonrpc2.RawMessage); ok {
		return jsonrpc2.JSONCodec{}.Unmarshal(data, raw)
	}
	return protocol.Unmarshal(data, v)
}
