// Package inproc is the runtime that procmigrate copies into a migrated
// package. It stands in for the part of os/exec that a program used to run
// its own binary as a worker: the worker's serving code runs on a goroutine
// and the standard streams become in-memory pipes, or typed message queues
// once both ends agree on a message type.
//
// The rewriter copies this file into each migrated package with its own
// package clause, so everything here uses the standard library alone and
// keeps to names that start with inproc.
package inproc

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"strings"
	"sync"
)

// inprocPipeCapacity is how many bytes a stream holds before a writer
// blocks: the capacity of a Linux pipe, so a program that relied on the
// pipe's buffering to write ahead of its reader does not deadlock.
const inprocPipeCapacity = 64 << 10

// inprocQueueCapacity is how many messages a stream holds before a sender
// blocks. No JSON message is shorter than two bytes with its newline
// ("0\n"), so this admits at least what the pipe did. The queue grows only
// as far as a sender actually runs ahead.
const inprocQueueCapacity = inprocPipeCapacity / 2

// inprocServeFunc is a worker role's code as a function: proc holds what the
// child had of its own process, its arguments, environment and standard
// streams. It returns nil where the child exited with status 0.
type inprocServeFunc func(proc *inprocProc) error

// inprocCmd runs a worker's serving code on a goroutine in place of a child
// process. It has the methods of *exec.Cmd that such programs use, with the
// same contract: pipes are asked for before Start, Wait joins the worker and
// closes the parent's ends, a canceled context stops the worker, and a
// failure reads like a child's exit status.
type inprocCmd struct {
	// Stdin, Stdout and Stderr play the part of the exec.Cmd fields: nil
	// means empty input and discarded output.
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer

	// Env is the worker's environment as exec.Cmd takes it, "key=value"
	// pairs; nil means the parent's environment when Start runs.
	Env []string

	// ExtraFiles are pipes made by inprocPipe that the worker opens as
	// descriptors 3, 4, ... with os.NewFile, as a child did; see
	// inprocFile.
	ExtraFiles []*inprocFile

	// Process stands for the child's *os.Process: nil until Start, then
	// the handle through which the parent signals the worker.
	Process *inprocHandle

	ctx   context.Context
	argv  []string
	serve inprocServeFunc

	stdin, stdout, stderr *inprocStream
	extra                 []*inprocFile // the worker's own ends of ExtraFiles

	started  bool
	waited   bool
	done     chan struct{} // closed when the worker goroutine returns
	unwatch  func() bool   // stops watching the context; see kill
	killed   chan struct{} // closed when kill has run
	err      error         // the worker's result, set before done closes
	finished sync.Once     // guards finish
	stopped  bool          // the context or a signal ended the worker; guarded by mu
	signal   string        // the signal that did, as exec words it; guarded by mu
	exited   bool          // the worker returned; guarded by mu
	reaped   bool          // Wait saw the worker return; guarded by mu
	mu       sync.Mutex
	locks    []*inprocLockedWriter // released when the worker returns
}

// newInprocCmd prepares a worker the way exec.CommandContext prepares a
// child: name and arg become argv, and nothing runs until Start.
func newInprocCmd(ctx context.Context, serve inprocServeFunc, name string, arg ...string) *inprocCmd {
	if ctx == nil {
		panic("newInprocCmd: nil Context")
	}
	return &inprocCmd{
		ctx:   ctx,
		argv:  append([]string{name}, arg...),
		serve: serve,
	}
}

// String returns the command line the worker stands for.
func (c *inprocCmd) String() string { return strings.Join(c.argv, " ") }

// StdinPipe returns the parent's end of the worker's standard input.
// exec.Cmd's pipe methods set the field, so a pipe counts as a set field:
// a second call, or Output after StdoutPipe, fails as it does there.
func (c *inprocCmd) StdinPipe() (io.WriteCloser, error) {
	if c.Stdin != nil || c.stdin != nil {
		return nil, errors.New("exec: Stdin already set")
	}
	if c.started {
		return nil, errors.New("exec: StdinPipe after process started")
	}
	c.stdin = newInprocStream()
	return &inprocWriteEnd{c.stdin}, nil
}

// StdoutPipe returns the parent's end of the worker's standard output.
func (c *inprocCmd) StdoutPipe() (io.ReadCloser, error) {
	if c.Stdout != nil || c.stdout != nil {
		return nil, errors.New("exec: Stdout already set")
	}
	if c.started {
		return nil, errors.New("exec: StdoutPipe after process started")
	}
	c.stdout = newInprocStream()
	return &inprocReadEnd{c.stdout}, nil
}

// StderrPipe returns the parent's end of the worker's standard error.
func (c *inprocCmd) StderrPipe() (io.ReadCloser, error) {
	if c.Stderr != nil || c.stderr != nil {
		return nil, errors.New("exec: Stderr already set")
	}
	if c.started {
		return nil, errors.New("exec: StderrPipe after process started")
	}
	c.stderr = newInprocStream()
	return &inprocReadEnd{c.stderr}, nil
}

// Start runs the worker on a new goroutine and returns at once.
func (c *inprocCmd) Start() error {
	if c.started {
		return errors.New("exec: already started")
	}
	if err := c.ctx.Err(); err != nil {
		// exec.Cmd closes the parent's ends when Start fails, so a
		// parent that reads or writes them anyway does not hang.
		c.closeParentEnds()
		return err
	}
	// The worker holds its own end of each extra pipe, as the child held
	// its own descriptor: the parent may close its end after Start.
	extra := make([]*inprocFile, len(c.ExtraFiles))
	for i, f := range c.ExtraFiles {
		if f == nil {
			continue
		}
		d, err := f.dup()
		if err != nil {
			c.extra = extra
			c.closeExtra()
			c.closeParentEnds()
			return fmt.Errorf("exec: ExtraFiles[%d]: %w", i, err)
		}
		extra[i] = d
	}
	c.extra = extra
	c.started = true

	// Give the worker its ends of the streams: a pipe where the parent
	// asked for one, the parent's own reader or writer where it set a
	// field, and an empty or discarding stream otherwise.
	var stdin io.ReadCloser = inprocEmpty{}
	switch {
	case c.stdin != nil:
		stdin = &inprocReadEnd{c.stdin}
	case c.Stdin != nil:
		stdin = inprocKeepReader{c.Stdin}
	}
	stdout, stderr := c.outputs()

	c.done = make(chan struct{})
	c.killed = make(chan struct{})
	c.Process = &inprocHandle{c}
	go c.run(c.newProc(stdin, stdout, stderr))
	// No goroutine waits on the context: AfterFunc runs kill only if the
	// context ends, so an idle worker costs one goroutine, as a child cost
	// one process.
	c.unwatch = context.AfterFunc(c.ctx, c.kill)
	return nil
}

// outputs returns the writers the worker's stdout and stderr go to. Two
// fields holding the same writer share one lock, as exec.Cmd promises that
// at most one goroutine writes to such a writer at a time; distinct writers
// are locked too, since several workers may share one.
func (c *inprocCmd) outputs() (stdout, stderr io.WriteCloser) {
	stdout, stderr = inprocDiscard{}, inprocDiscard{}
	if c.stdout != nil {
		stdout = &inprocWriteEnd{c.stdout}
	} else if c.Stdout != nil {
		stdout = &inprocLiveWriter{c, c.lockWriter(c.Stdout)}
	}
	if c.stderr != nil {
		stderr = &inprocWriteEnd{c.stderr}
	} else if c.Stderr != nil {
		stderr = &inprocLiveWriter{c, c.lockWriter(c.Stderr)}
	}
	return stdout, stderr
}

// lockWriter returns the lock for w that every running worker shares, and
// holds it until this worker returns. A lock made per command would not
// stop two workers handed one bytes.Buffer from writing to it at once.
func (c *inprocCmd) lockWriter(w io.Writer) *inprocLockedWriter {
	l := inprocAcquireWriter(w)
	c.locks = append(c.locks, l)
	return l
}

// inprocLiveWriter passes a worker's writes to a writer the parent handed
// over until the worker returns or the context stops it: a child that
// exited or was killed writes nothing more, and neither may a goroutine
// the worker left running, once the parent reads what was written.
type inprocLiveWriter struct {
	c *inprocCmd
	w io.Writer
}

// Close closes nothing: a child that closed its standard output did not
// close the writer its parent handed over.
func (l *inprocLiveWriter) Close() error { return nil }

func (l *inprocLiveWriter) Write(p []byte) (int, error) {
	l.c.mu.Lock()
	over := l.c.stopped || l.c.exited
	l.c.mu.Unlock()
	if over {
		return 0, io.ErrClosedPipe
	}
	return l.w.Write(p)
}

// run is the worker goroutine. A panic is recovered and reported the way the
// runtime reports it in a child: the value and stack on stderr, exit
// status 2. An exit (see inprocProc.exit) ends the worker with its status.
func (c *inprocCmd) run(proc *inprocProc) {
	var err error
	defer func() {
		v := recover()
		if e, ok := v.(inprocExitPanic); ok {
			err = inprocExit(e.code)
		} else if v != nil {
			err = inprocCrash(proc.stderr, v)
		}
		c.finish(err)
	}()
	err = c.serve(proc)
}

// inprocCrash writes a panic's value and stack to stderr as the runtime
// does when it ends a process, and returns the exit status it ends with.
func inprocCrash(stderr io.Writer, v any) error {
	stack := make([]byte, 64<<10)
	stack = stack[:runtime.Stack(stack, false)]
	fmt.Fprintf(stderr, "panic: %v\n\n%s", v, stack)
	return &inprocExitError{code: 2}
}

// finish ends the worker the way the kernel ends a process, once: the
// first of its serving function's return and a crash of a goroutine it
// started decides its status, and Wait returns. A serving function still
// running after a crash goes on by itself, as a goroutine the worker left
// does, but whatever it writes no longer reaches the parent.
func (c *inprocCmd) finish(err error) {
	c.finished.Do(func() {
		c.err = err
		c.closeWorkerEnds()
		close(c.done)
	})
}

// newProc returns what the worker has of a process: its argv, its
// environment, the given streams, a standard logger and a command-line flag
// set of its own. The logger starts with the prefix and flags the parent's
// has, which main set before it chose a role, as the child's main did; the
// flag set is named and reports like flag.CommandLine, but an error ends
// the worker, not the process.
func (c *inprocCmd) newProc(stdin io.ReadCloser, stdout, stderr io.WriteCloser) *inprocProc {
	env := c.Env
	if env == nil {
		env = os.Environ()
	}
	flags := flag.NewFlagSet(c.argv[0], flag.ContinueOnError)
	flags.SetOutput(stderr)
	// The child's standard logger wrote to its stderr unless main sent it
	// elsewhere, a log file say, before choosing a role; the parent's
	// shows where.
	logOut := log.Writer()
	if logOut == io.Writer(os.Stderr) {
		logOut = stderr
	}
	return &inprocProc{
		args:   c.argv,
		env:    inprocDedupEnv(env),
		stdin:  stdin,
		stdout: stdout,
		stderr: stderr,
		log:    log.New(logOut, log.Prefix(), log.Flags()),
		flags:  flags,
		cmd:    c,
	}
}

// inprocDedupEnv keeps the last value of each key, in the order of those
// last values, as exec.Cmd does with the Env it is given.
func inprocDedupEnv(env []string) []string {
	seen := make(map[string]bool, len(env))
	out := make([]string, 0, len(env))
	for i := len(env) - 1; i >= 0; i-- {
		k, _, _ := strings.Cut(env[i], "=")
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, env[i])
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// inprocProc is what a worker's code had of a process of its own: os.Args,
// the environment, the standard streams, the standard logger, the global
// flag set and os.Exit. Worker code that used those is handed one of these
// instead, made by the worker's inprocCmd, or by inprocProcess when the
// same code runs as the process itself (a child started the old way, a
// test, the parent).
//
// The streams can be closed, as os.Stdin and os.Stdout could: a worker
// that closes its stdout ends the parent's reading with EOF, as a child
// that closed descriptor 1 did.
type inprocProc struct {
	args    []string
	env     []string // nil: the process's own environment
	stdin   io.ReadCloser
	stdout  io.WriteCloser
	stderr  io.WriteCloser
	log     *log.Logger
	flags   *flag.FlagSet
	process bool       // this is the process itself: exit ends it
	cmd     *inprocCmd // the worker's command, nil for the process
}

// inprocProcess returns the process's own arguments, environment, streams,
// standard logger and flag set, for code that runs as the process.
func inprocProcess() *inprocProc {
	return &inprocProc{
		args:    os.Args,
		stdin:   os.Stdin,
		stdout:  os.Stdout,
		stderr:  os.Stderr,
		log:     log.Default(),
		flags:   flag.CommandLine,
		process: true,
	}
}

// contain ends the worker when a goroutine its code started panics, as
// the panic ended the worker's process: the worker's code defers it first
// thing in each such goroutine. For the process itself it does nothing,
// and the panic ends the process as before.
func (p *inprocProc) contain() {
	if p.process {
		return
	}
	v := recover()
	if v == nil {
		return
	}
	if e, ok := v.(inprocExitPanic); ok {
		p.cmd.finish(inprocExit(e.code))
		return
	}
	p.cmd.finish(inprocCrash(p.stderr, v))
}

// inprocExitPanic carries an exit status from deep in a worker's code up
// to its goroutine, which returns it as the worker's result.
type inprocExitPanic struct{ code int }

// exit is os.Exit for the worker: the process ends as before when this is
// the process; a worker stops, running its deferred calls on the way out
// (which os.Exit skipped), and its command's Wait reports the status.
func (p *inprocProc) exit(code int) {
	if p.process {
		os.Exit(code)
	}
	panic(inprocExitPanic{code})
}

// fatal, fatalf and fatalln are log.Fatal, log.Fatalf and log.Fatalln on
// the worker's logger: the message, then exit status 1.
func (p *inprocProc) fatal(v ...any) {
	p.log.Output(2, fmt.Sprint(v...))
	p.exit(1)
}

func (p *inprocProc) fatalf(format string, v ...any) {
	p.log.Output(2, fmt.Sprintf(format, v...))
	p.exit(1)
}

func (p *inprocProc) fatalln(v ...any) {
	p.log.Output(2, fmt.Sprintln(v...))
	p.exit(1)
}

// getenv, lookupEnv and environ read the worker's environment as os.Getenv,
// os.LookupEnv and os.Environ read the process's. As in a child, the last
// value of a key repeated in exec.Cmd.Env wins.
func (p *inprocProc) getenv(key string) string {
	v, _ := p.lookupEnv(key)
	return v
}

func (p *inprocProc) lookupEnv(key string) (string, bool) {
	if p.process {
		return os.LookupEnv(key)
	}
	for i := len(p.env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(p.env[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

func (p *inprocProc) environ() []string {
	if p.process {
		return os.Environ()
	}
	return append([]string(nil), p.env...)
}

// parseFlags is flag.Parse for the worker: its own arguments into its own
// flag set, and on a bad flag the usage and exit status 2 (0 for -help),
// as flag.ExitOnError does.
func (p *inprocProc) parseFlags() {
	if p.process {
		flag.Parse()
		return
	}
	p.parseFlagsFrom(p.args[1:])
}

// parseFlagsFrom is flag.CommandLine.Parse(args) for the worker: on a bad
// flag the usage and exit status 2 (0 for -help), as flag.ExitOnError
// does, so it returns only nil.
func (p *inprocProc) parseFlagsFrom(args []string) error {
	if p.process {
		return flag.CommandLine.Parse(args)
	}
	if err := p.flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			p.exit(0)
		}
		p.exit(2)
	}
	return nil
}

// closeWorkerEnds does what the kernel does when a child exits: the
// parent reads what is left and then EOF, and writes to stdin fail.
func (c *inprocCmd) closeWorkerEnds() {
	c.mu.Lock()
	c.exited = true
	c.mu.Unlock()
	for _, l := range c.locks {
		l.release()
	}
	c.closeExtra()
	if c.stdin != nil {
		c.stdin.closeRead(io.ErrClosedPipe)
	}
	if c.stdout != nil {
		c.stdout.closeWrite(nil)
	}
	if c.stderr != nil {
		c.stderr.closeWrite(nil)
	}
}

// kill stops the worker when the context ends first, the way
// exec.CommandContext kills the child: the worker's reads and writes fail,
// and the parent reads what was already written and then EOF. A worker
// that never touches its streams runs until it returns by itself.
func (c *inprocCmd) kill() {
	defer close(c.killed)
	// A worker that already returned was not stopped by the context: as
	// exec.Cmd does for a process that is already done, inject no error.
	select {
	case <-c.done:
		return
	default:
	}
	c.stop(os.Kill)
}

// stop ends a running worker as sig ended a child: its reads and writes
// fail, the parent reads what was already written and then EOF, and Wait
// reports the signal. A worker that already returned, or was already
// stopped, is left as it is, as a signal to a child that has exited but
// not been waited for changes nothing. It returns os.ErrProcessDone once
// Wait has returned, as os.Process.Signal does.
func (c *inprocCmd) stop(sig os.Signal) error {
	c.mu.Lock()
	if c.reaped {
		c.mu.Unlock()
		return os.ErrProcessDone
	}
	if c.exited || c.stopped {
		c.mu.Unlock()
		return nil
	}
	c.stopped = true
	c.signal = sig.String()
	c.mu.Unlock()
	c.closeExtra()
	if c.stdin != nil {
		c.stdin.closeRead(io.ErrClosedPipe)
		c.stdin.closeWrite(io.ErrClosedPipe)
	}
	for _, s := range []*inprocStream{c.stdout, c.stderr} {
		if s != nil {
			s.failWrites(io.ErrClosedPipe)
			s.closeWrite(nil)
		}
	}
	return nil
}

// closeExtra closes the worker's ends of its extra pipes, as the kernel
// closes a child's descriptors when it ends.
func (c *inprocCmd) closeExtra() {
	for _, f := range c.extra {
		if f != nil {
			f.Close()
		}
	}
}

// inprocHandle stands for the *os.Process of a worker's child. The
// signals that end a process by default, os.Kill, os.Interrupt and
// SIGTERM, stop the worker the way a canceled context does, and Wait
// reports the signal as it did for the child: "signal: interrupt". A
// worker cannot catch them, so one that handled SIGTERM to shut down
// cleanly is stopped instead. Other signals asked a child to do something
// a goroutine cannot be asked; Signal returns an error for them, as the
// os package does for a signal the system does not support.
//
// It has no Pid: there is no process to name, and a number given to
// syscall.Kill or to another program would reach the wrong one.
type inprocHandle struct{ c *inprocCmd }

// Kill stops the worker as SIGKILL stopped the child.
func (h *inprocHandle) Kill() error { return h.Signal(os.Kill) }

// Signal stops the worker for os.Kill, os.Interrupt and SIGTERM. SIGTERM
// is known by its name, "terminated": the runtime does not import
// syscall, which does not declare it on every system.
func (h *inprocHandle) Signal(sig os.Signal) error {
	if sig == nil || sig != os.Kill && sig != os.Interrupt && sig.String() != "terminated" {
		return errInprocSignal
	}
	return h.c.stop(sig)
}

// errInprocSignal is the error of a signal a worker cannot be sent.
var errInprocSignal = errors.New("os: unsupported signal type")

// Wait waits for the worker to return, then closes the parent's ends of the
// pipes. Its error reads like the one exec.Cmd.Wait returns for a child.
func (c *inprocCmd) Wait() error {
	if !c.started {
		return errors.New("exec: not started")
	}
	if c.waited {
		return errors.New("exec: Wait was already called")
	}
	c.waited = true
	<-c.done
	if !c.unwatch() {
		<-c.killed // kill started: let it finish before reading its verdict
	}
	c.closeParentEnds()

	c.mu.Lock()
	c.reaped = true
	stopped, signal := c.stopped, c.signal
	c.mu.Unlock()
	if stopped {
		return &inprocExitError{code: -1, signal: signal}
	}
	if err := c.ctx.Err(); c.err == nil && err != nil {
		// The worker finished, but the context ended before Wait: exec
		// then kills the exited child, which succeeds, and reports the
		// context's error.
		return err
	}
	return c.err
}

// closeParentEnds closes the pipe ends that StdinPipe, StdoutPipe and
// StderrPipe returned, as exec.Cmd closes its parentIOPipes.
func (c *inprocCmd) closeParentEnds() {
	if c.stdin != nil {
		c.stdin.closeWrite(io.ErrClosedPipe)
	}
	for _, s := range []*inprocStream{c.stdout, c.stderr} {
		if s != nil {
			s.closeRead(io.ErrClosedPipe)
		}
	}
}

// Run starts the worker and waits for it.
func (c *inprocCmd) Run() error {
	if err := c.Start(); err != nil {
		return err
	}
	return c.Wait()
}

// Output runs the worker and returns what it wrote to stdout.
func (c *inprocCmd) Output() ([]byte, error) {
	if c.Stdout != nil || c.stdout != nil {
		return nil, errors.New("exec: Stdout already set")
	}
	var out inprocBuffer
	c.Stdout = &out
	err := c.Run()
	return out.bytes(), err
}

// CombinedOutput runs the worker and returns its stdout and stderr
// interleaved.
func (c *inprocCmd) CombinedOutput() ([]byte, error) {
	if c.Stdout != nil || c.stdout != nil {
		return nil, errors.New("exec: Stdout already set")
	}
	if c.Stderr != nil || c.stderr != nil {
		return nil, errors.New("exec: Stderr already set")
	}
	var out inprocBuffer
	c.Stdout = &out
	c.Stderr = &out
	err := c.Run()
	return out.bytes(), err
}

// inprocExitError is a worker's failure, worded as exec.ExitError words a
// child's: "exit status 1", or "signal: killed" when its context ended it.
type inprocExitError struct {
	code   int
	signal string
}

func (e *inprocExitError) Error() string {
	if e.signal != "" {
		return "signal: " + e.signal
	}
	return fmt.Sprintf("exit status %d", e.code)
}

// ExitCode returns the status the worker exited with, or -1 if it was
// stopped, as (*os.ProcessState).ExitCode does.
func (e *inprocExitError) ExitCode() int { return e.code }

// inprocExit is what os.Exit(code) becomes in a worker's serving code: nil
// for status 0, an exit error otherwise.
func inprocExit(code int) error {
	if code == 0 {
		return nil
	}
	return &inprocExitError{code: code}
}

// inprocStream is one standard stream between the parent and a worker. It
// carries bytes like a pipe, or messages once an encoder and a decoder of
// the same type are made on its two ends. Closing the write side lets the
// reader drain and then see EOF; closing the read side makes writes fail.
type inprocStream struct {
	mu   sync.Mutex
	cond sync.Cond

	buf  []byte // bytes written and not yet read
	msgs any    // *inprocQueue[T] once a typed end is made
	werr error  // writes fail with this once the reader is gone
	rerr error  // reads return this once buf is drained and writes ended
}

func newInprocStream() *inprocStream {
	s := &inprocStream{}
	s.cond.L = &s.mu
	return s
}

func (s *inprocStream) write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for len(p) > 0 {
		for s.werr == nil && s.rerr == nil && len(s.buf) >= inprocPipeCapacity {
			s.cond.Wait()
		}
		if s.werr != nil {
			return n, s.werr
		}
		if s.rerr != nil {
			return n, io.ErrClosedPipe
		}
		k := inprocPipeCapacity - len(s.buf)
		if len(p) < k {
			k = len(p)
		}
		s.buf = append(s.buf, p[:k]...)
		p = p[k:]
		n += k
		s.cond.Broadcast()
	}
	return n, nil
}

func (s *inprocStream) read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.spill() == 0 && s.rerr == nil {
		s.cond.Wait()
	}
	if len(s.buf) == 0 {
		return 0, s.rerr
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	if len(s.buf) == 0 {
		s.buf = nil // let an idle stream hold no memory
	}
	s.cond.Broadcast()
	return n, nil
}

// spill turns messages a typed encoder queued into the JSON lines its
// json.Encoder would have written, for a reader that reads bytes, and
// returns how many bytes are buffered. The caller holds s.mu.
func (s *inprocStream) spill() int {
	if q, ok := s.msgs.(interface{ spill(*[]byte) }); ok {
		q.spill(&s.buf)
	}
	return len(s.buf)
}

// closeWrite ends the stream for writers; readers see err, or EOF when err
// is nil, after what is buffered. The first close wins.
func (s *inprocStream) closeWrite(err error) {
	if err == nil {
		err = io.EOF
	}
	s.mu.Lock()
	if s.rerr == nil {
		s.rerr = err
	}
	s.cond.Broadcast()
	s.mu.Unlock()
}

// closeRead ends the stream for readers: later reads and writes fail with
// err and anything buffered is dropped.
func (s *inprocStream) closeRead(err error) {
	s.mu.Lock()
	if s.werr == nil {
		s.werr = err
	}
	if s.rerr == nil {
		s.rerr = err
	}
	s.buf = nil
	if d, ok := s.msgs.(interface{ drop() }); ok {
		d.drop()
	}
	s.cond.Broadcast()
	s.mu.Unlock()
}

// failWrites makes later writes fail with err but, unlike closeRead, keeps
// what is buffered readable: the parent of a killed child still reads what
// the child wrote before it died.
func (s *inprocStream) failWrites(err error) {
	s.mu.Lock()
	if s.werr == nil {
		s.werr = err
	}
	s.cond.Broadcast()
	s.mu.Unlock()
}

// inprocReadEnd and inprocWriteEnd are the two ends of a stream as the
// program sees them: an io.ReadCloser and an io.WriteCloser.
type inprocReadEnd struct{ s *inprocStream }

func (r *inprocReadEnd) Read(p []byte) (int, error) { return r.s.read(p) }
func (r *inprocReadEnd) Close() error {
	r.s.closeRead(io.ErrClosedPipe)
	return nil
}

type inprocWriteEnd struct{ s *inprocStream }

func (w *inprocWriteEnd) Write(p []byte) (int, error) { return w.s.write(p) }
func (w *inprocWriteEnd) Close() error {
	w.s.closeWrite(nil)
	return nil
}

// inprocQueue holds the messages of a stream whose two ends agreed on T.
type inprocQueue[T any] struct {
	items []T
	spare []T // the array items started in, reused once the queue empties
}

// inprocQueueKeep is the most messages an empty queue keeps room for.
const inprocQueueKeep = 16

func (q *inprocQueue[T]) drop() { q.items = nil }

// spill appends the queued messages to buf as JSON lines and empties the
// queue. A message that does not encode is dropped with its error written
// in its place, where a json.Encoder would have failed the sender.
func (q *inprocQueue[T]) spill(buf *[]byte) {
	for _, v := range q.items {
		line, err := json.Marshal(v)
		if err != nil {
			line = []byte(fmt.Sprintf("%q", err.Error()))
		}
		*buf = append(append(*buf, line...), '\n')
	}
	q.items = nil
}

// inprocQueueOf returns the stream's queue of T, making it on first use.
// The caller holds s.mu. Both ends were checked to use the same T when the
// program was rewritten, so a mismatch is a broken invariant.
func inprocQueueOf[T any](s *inprocStream) *inprocQueue[T] {
	if s.msgs == nil {
		s.msgs = &inprocQueue[T]{}
	}
	q, ok := s.msgs.(*inprocQueue[T])
	if !ok {
		panic(fmt.Sprintf("inproc: stream carries %T, not messages of %T", s.msgs, *new(T)))
	}
	return q
}

func inprocSend[T any](s *inprocStream, v T) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := inprocQueueOf[T](s)
	for s.werr == nil && s.rerr == nil && len(q.items) >= inprocQueueCapacity {
		s.cond.Wait()
	}
	if s.werr != nil {
		return s.werr
	}
	if s.rerr != nil {
		return io.ErrClosedPipe
	}
	if len(q.items) == 0 && cap(q.items) == 0 {
		q.items = q.spare[:0]
	}
	q.items = append(q.items, v)
	if len(q.items) == 1 {
		q.spare = q.items // the front of whatever array items now starts in
	}
	s.cond.Broadcast()
	return nil
}

// inprocReceive returns the next message of the stream. When the sender
// wrote bytes instead, as a plain json.Encoder does, it returns
// errInprocBytes and the caller decodes them.
func inprocReceive[T any](s *inprocStream) (T, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := inprocQueueOf[T](s)
	for len(q.items) == 0 && len(s.buf) == 0 && s.rerr == nil {
		s.cond.Wait()
	}
	var v T
	if len(q.items) == 0 {
		if len(s.buf) > 0 {
			return v, errInprocBytes
		}
		return v, s.rerr
	}
	v = q.items[0]
	q.items[0] = *new(T) // drop references the message held
	q.items = q.items[1:]
	if len(q.items) == 0 {
		// Start again at the front of the array. Request and response
		// traffic keeps one message in flight, so this reuses one slot
		// instead of allocating for every send; a burst's larger array is
		// let go.
		q.items = q.items[:0:0]
		if c := cap(q.spare); c > 0 && c <= inprocQueueKeep {
			q.items = q.spare[:0]
		}
	}
	s.cond.Broadcast()
	return v, nil
}

// errInprocBytes tells a typed decoder that its stream carries bytes.
var errInprocBytes = errors.New("inproc: stream carries bytes")

// inprocEncoder stands where a json.Encoder wrote messages of type T to a
// worker's stream. Over an in-process stream it hands each value to the
// other end as it is, with no encoding; over anything else, such as the
// real os.Stdout when the binary still runs as a child, it writes JSON
// exactly as before.
type inprocEncoder[T any] struct {
	s   *inprocStream
	enc *json.Encoder
}

func newInprocEncoder[T any](w io.Writer) *inprocEncoder[T] {
	if end, ok := w.(*inprocWriteEnd); ok {
		return &inprocEncoder[T]{s: end.s}
	}
	return &inprocEncoder[T]{enc: json.NewEncoder(w)}
}

// Encode sends v.
func (e *inprocEncoder[T]) Encode(v T) error {
	if e.s == nil {
		return e.enc.Encode(v)
	}
	return inprocSend(e.s, v)
}

// inprocDecoder stands where a json.Decoder read messages of type T; see
// inprocEncoder. At the end of the stream Decode returns io.EOF, as the
// JSON decoder did.
type inprocDecoder[T any] struct {
	s   *inprocStream
	dec *json.Decoder
}

func newInprocDecoder[T any](r io.Reader) *inprocDecoder[T] {
	if k, ok := r.(inprocKeepReader); ok {
		r = k.Reader // a stream of another worker set as Stdin
	}
	if end, ok := r.(*inprocReadEnd); ok {
		return &inprocDecoder[T]{s: end.s}
	}
	return &inprocDecoder[T]{dec: json.NewDecoder(r)}
}

// Decode receives the next message into *v.
func (d *inprocDecoder[T]) Decode(v *T) error {
	if d.s == nil {
		return d.dec.Decode(v)
	}
	m, err := inprocReceive[T](d.s)
	if err == errInprocBytes {
		// The other end writes JSON: read it as JSON from now on.
		d.dec, d.s = json.NewDecoder(&inprocReadEnd{d.s}), nil
		return d.dec.Decode(v)
	}
	if err != nil {
		return err
	}
	*v = m
	return nil
}

// inprocEmpty is the standard input of a worker given none: always EOF.
type inprocEmpty struct{}

func (inprocEmpty) Read([]byte) (int, error) { return 0, io.EOF }
func (inprocEmpty) Close() error             { return nil }

// inprocDiscard is the standard output or error of a worker given none.
type inprocDiscard struct{}

func (inprocDiscard) Write(p []byte) (int, error) { return len(p), nil }
func (inprocDiscard) Close() error                { return nil }

// inprocKeepReader is the reader a parent set as a worker's Stdin. Closing
// it closes nothing: a child that closed its standard input did not close
// the reader its parent handed over.
type inprocKeepReader struct{ io.Reader }

func (inprocKeepReader) Close() error { return nil }

// inprocLockedWriter serializes writes from workers to a writer the parent
// handed over, which other workers may write to as well.
type inprocLockedWriter struct {
	mu     sync.Mutex
	w      io.Writer
	shared bool // in inprocWriterLocks, set when made
	refs   int  // running workers holding it; guarded by inprocWriterLocks
}

// inprocWriterLocks maps each writer that running workers hold in Stdout or
// Stderr to its one lock. An entry goes when its last worker returns, so a
// program that runs many workers with fresh buffers does not accumulate
// them.
var inprocWriterLocks = struct {
	sync.Mutex
	m map[io.Writer]*inprocLockedWriter
}{m: map[io.Writer]*inprocLockedWriter{}}

// inprocAcquireWriter returns the shared lock for w. A writer whose dynamic
// type is not comparable cannot be a map key, nor be found equal to
// another, as exec.Cmd finds, so it gets a lock of its own.
func inprocAcquireWriter(w io.Writer) *inprocLockedWriter {
	if !inprocComparable(w) {
		return &inprocLockedWriter{w: w}
	}
	inprocWriterLocks.Lock()
	defer inprocWriterLocks.Unlock()
	l := inprocWriterLocks.m[w]
	if l == nil {
		l = &inprocLockedWriter{w: w, shared: true}
		inprocWriterLocks.m[w] = l
	}
	l.refs++
	return l
}

// release gives up one worker's hold on l.
func (l *inprocLockedWriter) release() {
	if !l.shared {
		return
	}
	inprocWriterLocks.Lock()
	defer inprocWriterLocks.Unlock()
	if l.refs--; l.refs == 0 {
		delete(inprocWriterLocks.m, l.w)
	}
}

func (l *inprocLockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// inprocComparable reports whether w can be compared without a panic, as
// exec.Cmd's interfaceEqual tells; comparing w with itself is the test.
func inprocComparable(w io.Writer) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return w == w
}

// inprocBuffer collects output for Output and CombinedOutput.
type inprocBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *inprocBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *inprocBuffer) bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf
}

// newFile is os.NewFile for the worker: descriptors 3 and up are the
// worker's ends of its command's ExtraFiles, 0 to 2 its standard streams,
// and any other a file whose reads and writes fail, as on a descriptor
// the child did not have. For the process itself it is os.NewFile.
func (p *inprocProc) newFile(fd uintptr, name string) *inprocFile {
	if p.process {
		return &inprocFile{name: name, f: os.NewFile(fd, name)}
	}
	switch fd {
	case 0:
		return &inprocFile{name: name, r: p.stdin, closeFn: func() { p.stdin.Close() }}
	case 1:
		return &inprocFile{name: name, w: p.stdout, closeFn: func() { p.stdout.Close() }}
	case 2:
		return &inprocFile{name: name, w: p.stderr, closeFn: func() { p.stderr.Close() }}
	}
	if i := fd - 3; fd >= 3 && i < uintptr(len(p.cmd.extra)) && p.cmd.extra[i] != nil {
		return p.cmd.extra[i]
	}
	return &inprocFile{name: name}
}

// inprocFile stands for an *os.File of a pipe that the parent made with
// os.Pipe to hand a worker in ExtraFiles, and for the file the worker
// opened on that descriptor with os.NewFile:
//
//	r, w, err := os.Pipe()              =>  r, w, err := inprocPipe()
//	cmd.ExtraFiles = []*os.File{w}      =>  cmd.ExtraFiles = []*inprocFile{w}
//	f := os.NewFile(3, "status")        =>  f := proc.newFile(3, "status")
//
// Like a descriptor, each end is held by the parent and by the worker
// separately: a reader sees EOF once every holder of the write end has
// closed it, the worker's holds included, which end when it returns.
// When the code runs as the process itself, it is the *os.File os.NewFile
// returns.
type inprocFile struct {
	name    string
	f       *os.File  // the process's own file
	r       io.Reader // nil when not open for reading
	w       io.Writer // nil when not open for writing
	closeFn func()    // gives up this holder's end
	pipe    *inprocPipeEnds
	write   bool // which end of pipe

	mu     sync.Mutex
	closed bool
}

// inprocPipeEnds counts the holders of each end of a pipe made by
// inprocPipe.
type inprocPipeEnds struct {
	s                *inprocStream
	mu               sync.Mutex
	readers, writers int
}

// inprocPipe stands for os.Pipe: a connected pair of files, reads from r
// returning what is written to w.
func inprocPipe() (r, w *inprocFile, err error) {
	p := &inprocPipeEnds{s: newInprocStream()}
	return p.end(false, "|0"), p.end(true, "|1"), nil
}

// end returns a new holder of one end of p.
func (p *inprocPipeEnds) end(write bool, name string) *inprocFile {
	f := &inprocFile{name: name, pipe: p, write: write}
	p.mu.Lock()
	defer p.mu.Unlock()
	if write {
		p.writers++
		f.w = &inprocWriteEnd{p.s}
	} else {
		p.readers++
		f.r = &inprocReadEnd{p.s}
	}
	f.closeFn = func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if write {
			if p.writers--; p.writers == 0 {
				p.s.closeWrite(nil)
			}
		} else if p.readers--; p.readers == 0 {
			p.s.closeRead(io.ErrClosedPipe)
		}
	}
	return f
}

// dup returns another holder of the same end, as the child's descriptor
// was a duplicate of the parent's.
func (f *inprocFile) dup() (*inprocFile, error) {
	f.mu.Lock()
	closed := f.closed
	f.mu.Unlock()
	if closed {
		return nil, os.ErrClosed
	}
	if f.pipe == nil {
		return nil, errors.New("not a pipe made by inprocPipe")
	}
	return f.pipe.end(f.write, f.name), nil
}

// Name returns the name the file was made with.
func (f *inprocFile) Name() string { return f.name }

func (f *inprocFile) Read(b []byte) (int, error) {
	if f.f != nil {
		return f.f.Read(b)
	}
	if err := f.usable("read", f.r != nil); err != nil {
		return 0, err
	}
	return f.r.Read(b)
}

func (f *inprocFile) Write(b []byte) (int, error) {
	if f.f != nil {
		return f.f.Write(b)
	}
	if err := f.usable("write", f.w != nil); err != nil {
		return 0, err
	}
	return f.w.Write(b)
}

// usable returns the error an *os.File returns for op on a closed file or
// a descriptor not open for op.
func (f *inprocFile) usable(op string, open bool) error {
	f.mu.Lock()
	closed := f.closed
	f.mu.Unlock()
	switch {
	case closed:
		return &os.PathError{Op: op, Path: f.name, Err: os.ErrClosed}
	case !open:
		return &os.PathError{Op: op, Path: f.name, Err: errInprocBadFile}
	}
	return nil
}

// errInprocBadFile is the error of a descriptor the worker does not have.
var errInprocBadFile = errors.New("bad file descriptor")

// Close gives up this holder's end of the pipe.
func (f *inprocFile) Close() error {
	if f.f != nil {
		return f.f.Close()
	}
	f.mu.Lock()
	closed := f.closed
	f.closed = true
	f.mu.Unlock()
	if closed {
		return &os.PathError{Op: "close", Path: f.name, Err: os.ErrClosed}
	}
	if f.closeFn == nil {
		return &os.PathError{Op: "close", Path: f.name, Err: errInprocBadFile}
	}
	f.closeFn()
	return nil
}
