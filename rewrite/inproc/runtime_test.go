package inproc

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// testTimeout bounds every wait that would otherwise hang on a bug. It is
// generous: it only turns a deadlock into a failure, it never decides a
// pass.
const testTimeout = 10 * time.Second

// testMsg is a message with the kinds of fields that JSON round-trips.
type testMsg struct {
	ID   int               `json:"id"`
	Text string            `json:"text"`
	Tags []string          `json:"tags,omitempty"`
	Attr map[string]string `json:"attr,omitempty"`
}

func testMsgs(n int) []testMsg {
	msgs := make([]testMsg, n)
	for i := range msgs {
		msgs[i] = testMsg{
			ID:   i,
			Text: fmt.Sprintf("message %d with \"quotes\" and unicode é", i),
			Tags: []string{"a", fmt.Sprint(i)},
			Attr: map[string]string{"k": fmt.Sprint(i * i)},
		}
	}
	return msgs
}

// within runs f on a goroutine and fails the test if it does not return
// within testTimeout.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(testTimeout):
		t.Fatalf("%s: still blocked after %v", what, testTimeout)
	}
}

// waitErr calls c.Wait and fails the test if it does not return promptly.
func waitErr(t *testing.T, c *inprocCmd) error {
	t.Helper()
	var err error
	within(t, "Wait", func() { err = c.Wait() })
	return err
}

// serveArgs adapts a worker written against its argv and streams alone.
func serveArgs(serve func(argv []string, stdin io.Reader, stdout, stderr io.Writer) error) inprocServeFunc {
	return func(proc *inprocProc) error {
		return serve(proc.args, proc.stdin, proc.stdout, proc.stderr)
	}
}

// echoLines is a worker that copies its input to its output line by line.
func echoLines(_ []string, stdin io.Reader, stdout, _ io.Writer) error {
	sc := bufio.NewScanner(stdin)
	for sc.Scan() {
		if _, err := fmt.Fprintf(stdout, "%s\n", sc.Bytes()); err != nil {
			return err
		}
	}
	return sc.Err()
}

// echoTyped is a worker that echoes messages through a typed decoder and
// encoder. It reports the error that ended its input on decodeErr.
func echoTyped(decodeErr chan<- error) inprocServeFunc {
	return serveArgs(func(_ []string, stdin io.Reader, stdout, _ io.Writer) error {
		dec := newInprocDecoder[testMsg](stdin)
		enc := newInprocEncoder[testMsg](stdout)
		for {
			var m testMsg
			if err := dec.Decode(&m); err != nil {
				if decodeErr != nil {
					decodeErr <- err
				}
				if err == io.EOF {
					return nil
				}
				return err
			}
			if err := enc.Encode(m); err != nil {
				return err
			}
		}
	})
}

// startPiped starts serve with stdin and stdout pipes.
func startPiped(t testing.TB, ctx context.Context, serve inprocServeFunc) (*inprocCmd, io.WriteCloser, io.ReadCloser) {
	t.Helper()
	c := newInprocCmd(ctx, serve, "worker", "-role", "echo")
	stdin, err := c.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	return c, stdin, stdout
}

func TestByteEchoJSONLines(t *testing.T) {
	c, stdin, stdout := startPiped(t, context.Background(), serveArgs(echoLines))
	if got, want := c.String(), "worker -role echo"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	enc := json.NewEncoder(stdin)
	dec := json.NewDecoder(stdout)
	for _, m := range testMsgs(50) {
		if err := enc.Encode(m); err != nil {
			t.Fatal(err)
		}
		var got testMsg
		if err := dec.Decode(&got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("echo = %+v, want %+v", got, m)
		}
	}
	if err := stdin.Close(); err != nil {
		t.Fatal(err)
	}
	var extra testMsg
	if err := dec.Decode(&extra); err != io.EOF {
		t.Fatalf("Decode after stdin closed = %v, want io.EOF", err)
	}
	if err := waitErr(t, c); err != nil {
		t.Fatalf("Wait = %v", err)
	}
}

func TestTypedEcho(t *testing.T) {
	workerErr := make(chan error, 1)
	c, stdin, stdout := startPiped(t, context.Background(), echoTyped(workerErr))
	enc := newInprocEncoder[testMsg](stdin)
	dec := newInprocDecoder[testMsg](stdout)
	if enc.s == nil || dec.s == nil {
		t.Fatal("encoder or decoder over a pipe end fell back to JSON")
	}
	for _, m := range testMsgs(50) {
		if err := enc.Encode(m); err != nil {
			t.Fatal(err)
		}
		var got testMsg
		if err := dec.Decode(&got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("echo = %+v, want %+v", got, m)
		}
	}
	stdin.Close()
	var extra testMsg
	if err := dec.Decode(&extra); err != io.EOF {
		t.Fatalf("parent Decode after stdin closed = %v, want io.EOF", err)
	}
	if err := <-workerErr; err != io.EOF {
		t.Fatalf("worker Decode after stdin closed = %v, want io.EOF", err)
	}
	if err := waitErr(t, c); err != nil {
		t.Fatalf("Wait = %v", err)
	}
}

func TestJSONFallback(t *testing.T) {
	msgs := testMsgs(5)
	var got, want bytes.Buffer
	enc := newInprocEncoder[testMsg](&got)
	if enc.s != nil {
		t.Fatal("encoder over a bytes.Buffer did not fall back to JSON")
	}
	jenc := json.NewEncoder(&want)
	for _, m := range msgs {
		if err := enc.Encode(m); err != nil {
			t.Fatal(err)
		}
		if err := jenc.Encode(m); err != nil {
			t.Fatal(err)
		}
	}
	if got.String() != want.String() {
		t.Fatalf("fallback encoder wrote\n%s\nwant\n%s", got.String(), want.String())
	}

	dec := newInprocDecoder[testMsg](strings.NewReader(got.String()))
	if dec.s != nil {
		t.Fatal("decoder over a strings.Reader did not fall back to JSON")
	}
	for _, m := range msgs {
		var v testMsg
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(v, m) {
			t.Fatalf("decoded %+v, want %+v", v, m)
		}
	}
	var v testMsg
	if err := dec.Decode(&v); err != io.EOF {
		t.Fatalf("Decode at end = %v, want io.EOF", err)
	}
}

func TestWriteAheadBytes(t *testing.T) {
	c, stdin, stdout := startPiped(t, context.Background(), serveArgs(echoLines))
	var sent bytes.Buffer
	for i := 0; sent.Len() < 40<<10; i++ {
		fmt.Fprintf(&sent, "line %06d %s\n", i, strings.Repeat("x", 50))
	}
	// Everything is written before anything is read: with a 64 KiB pipe on
	// each side this fits, as it did between processes.
	within(t, "writing 40 KiB ahead", func() {
		if _, err := stdin.Write(sent.Bytes()); err != nil {
			t.Error(err)
		}
		stdin.Close()
	})
	var got []byte
	within(t, "reading echo", func() {
		var err error
		got, err = io.ReadAll(stdout)
		if err != nil {
			t.Error(err)
		}
	})
	if !bytes.Equal(got, sent.Bytes()) {
		t.Fatalf("echoed %d bytes, want the %d sent", len(got), sent.Len())
	}
	if err := waitErr(t, c); err != nil {
		t.Fatalf("Wait = %v", err)
	}
}

func TestWriteAheadTyped(t *testing.T) {
	c, stdin, stdout := startPiped(t, context.Background(), echoTyped(nil))
	msgs := testMsgs(1000)
	enc := newInprocEncoder[testMsg](stdin)
	within(t, "sending 1000 messages ahead", func() {
		for _, m := range msgs {
			if err := enc.Encode(m); err != nil {
				t.Error(err)
				return
			}
		}
		stdin.Close()
	})
	dec := newInprocDecoder[testMsg](stdout)
	within(t, "receiving replies", func() {
		for i, m := range msgs {
			var got testMsg
			if err := dec.Decode(&got); err != nil {
				t.Errorf("reply %d: %v", i, err)
				return
			}
			if !reflect.DeepEqual(got, m) {
				t.Errorf("reply %d = %+v, want %+v", i, got, m)
				return
			}
		}
		var extra testMsg
		if err := dec.Decode(&extra); err != io.EOF {
			t.Errorf("Decode after replies = %v, want io.EOF", err)
		}
	})
	if err := waitErr(t, c); err != nil {
		t.Fatalf("Wait = %v", err)
	}
}

// bufferedLen returns how many bytes and messages s holds.
func bufferedLen(s *inprocStream) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q, ok := s.msgs.(*inprocQueue[int]); ok {
		return len(q.items)
	}
	return len(s.buf)
}

// waitBuffered waits until s holds n bytes or messages.
func waitBuffered(t *testing.T, s *inprocStream, n int) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for bufferedLen(s) != n {
		if time.Now().After(deadline) {
			t.Fatalf("stream holds %d, want %d", bufferedLen(s), n)
		}
		runtime.Gosched()
	}
}

func TestWriterBlocksAtCapacity(t *testing.T) {
	s := newInprocStream()
	w, r := &inprocWriteEnd{s}, &inprocReadEnd{s}

	// A write of exactly the capacity completes without a reader.
	full := bytes.Repeat([]byte{'a'}, inprocPipeCapacity)
	within(t, "writing 64 KiB", func() {
		if n, err := w.Write(full); n != len(full) || err != nil {
			t.Errorf("Write = %d, %v", n, err)
		}
	})

	// One more byte has no room: the writer must wait for the reader. It
	// cannot finish while the stream is full, so checking done without
	// waiting is exact.
	done := make(chan struct{})
	go func() {
		defer close(done)
		if n, err := w.Write([]byte("b")); n != 1 || err != nil {
			t.Errorf("blocked Write = %d, %v", n, err)
		}
	}()
	waitBuffered(t, s, inprocPipeCapacity)
	select {
	case <-done:
		t.Fatal("write past 64 KiB did not block")
	default:
	}

	buf := make([]byte, 1024)
	if n, err := r.Read(buf); n != 1024 || err != nil {
		t.Fatalf("Read = %d, %v", n, err)
	}
	select {
	case <-done:
	case <-time.After(testTimeout):
		t.Fatal("writer did not unblock after the reader read")
	}
	w.Close()
	rest, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if want := inprocPipeCapacity - 1024 + 1; len(rest) != want || rest[len(rest)-1] != 'b' {
		t.Fatalf("read %d bytes ending %q, want %d ending 'b'", len(rest), rest[len(rest)-1:], want)
	}
}

func TestTypedSenderBlocksAtCapacity(t *testing.T) {
	s := newInprocStream()
	for i := range inprocQueueCapacity {
		if err := inprocSend(s, i); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := inprocSend(s, -1); err != nil {
			t.Errorf("blocked send = %v", err)
		}
	}()
	// The sender cannot finish while the queue is full. A short wait gives
	// a sender that wrongly went through the time to show it; it can only
	// miss a bug, never fail a correct runtime.
	select {
	case <-done:
		t.Fatal("send past the queue capacity did not block")
	case <-time.After(50 * time.Millisecond):
	}
	waitBuffered(t, s, inprocQueueCapacity)
	if v, err := inprocReceive[int](s); v != 0 || err != nil {
		t.Fatalf("receive = %d, %v", v, err)
	}
	select {
	case <-done:
	case <-time.After(testTimeout):
		t.Fatal("sender did not unblock after the receiver received")
	}
	waitBuffered(t, s, inprocQueueCapacity)
}

func TestExitStatus(t *testing.T) {
	c := newInprocCmd(context.Background(), func(*inprocProc) error {
		return inprocExit(3)
	}, "worker")
	err := c.Run()
	if err == nil || err.Error() != "exit status 3" {
		t.Fatalf("Run = %v, want exit status 3", err)
	}
	var ee interface{ ExitCode() int }
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("Run error %#v has no exit code 3", err)
	}

	if err := inprocExit(0); err != nil {
		t.Fatalf("inprocExit(0) = %v, want nil", err)
	}
	c = newInprocCmd(context.Background(), func(*inprocProc) error {
		return inprocExit(0)
	}, "worker")
	if err := c.Run(); err != nil {
		t.Fatalf("Run of a worker exiting 0 = %v", err)
	}
}

func TestPanic(t *testing.T) {
	c := newInprocCmd(context.Background(), func(*inprocProc) error {
		panic("boom")
	}, "worker")
	stderr, err := c.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	var out []byte
	within(t, "reading stderr", func() { out, _ = io.ReadAll(stderr) })
	err = waitErr(t, c)
	if err == nil || err.Error() != "exit status 2" {
		t.Fatalf("Wait = %v, want exit status 2", err)
	}
	if !strings.HasPrefix(string(out), "panic: boom\n") {
		t.Fatalf("stderr = %q, want a panic: boom report", out)
	}
}

func TestContextCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wrote := make(chan struct{})
	readErr := make(chan error, 1)
	c, stdin, stdout := startPiped(t, ctx, serveArgs(func(_ []string, stdin io.Reader, stdout, _ io.Writer) error {
		fmt.Fprintln(stdout, "before cancel")
		close(wrote)
		_, err := stdin.Read(make([]byte, 1)) // blocks: the parent never writes
		readErr <- err
		if err != nil {
			return inprocExit(1)
		}
		return nil
	}))
	defer stdin.Close()
	<-wrote
	cancel()

	var out []byte
	within(t, "reading stdout after cancel", func() {
		var err error
		out, err = io.ReadAll(stdout)
		if err != nil {
			t.Error(err)
		}
	})
	if string(out) != "before cancel\n" {
		t.Fatalf("stdout = %q, want what was written before the cancel", out)
	}
	err := waitErr(t, c)
	if err == nil || err.Error() != "signal: killed" {
		t.Fatalf("Wait = %v, want signal: killed", err)
	}
	var ee interface{ ExitCode() int }
	if !errors.As(err, &ee) || ee.ExitCode() != -1 {
		t.Fatalf("Wait error %#v: want exit code -1", err)
	}
	if err := <-readErr; err == nil {
		t.Fatal("worker's stdin read succeeded after the cancel")
	}
}

func TestStartCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := newInprocCmd(ctx, func(*inprocProc) error {
		t.Error("worker ran under a canceled context")
		return nil
	}, "worker")
	stdin, _ := c.StdinPipe()
	stdout, _ := c.StdoutPipe()
	if err := c.Start(); err != context.Canceled {
		t.Fatalf("Start = %v, want context.Canceled", err)
	}
	if err := c.Wait(); err == nil || err.Error() != "exec: not started" {
		t.Fatalf("Wait after a failed Start = %v, want exec: not started", err)
	}
	// As exec.Cmd.Start does on failure, the parent's ends are closed: a
	// reader or writer of a worker that never ran does not hang.
	within(t, "using the pipes of a worker that never started", func() {
		if _, err := stdout.Read(make([]byte, 1)); err == nil {
			t.Error("read from stdout succeeded")
		}
		if _, err := stdin.Write([]byte("x")); err == nil {
			t.Error("write to stdin succeeded")
		}
	})
}

// A context that ends after the worker returned by itself, but before
// Wait, is not a kill, and Wait reports the context's error: exec.Cmd
// kills the exited child, which succeeds, and says so.
func TestCancelAfterExit(t *testing.T) {
	for range 200 {
		ctx, cancel := context.WithCancel(context.Background())
		c := newInprocCmd(ctx, func(*inprocProc) error { return nil }, "worker")
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		<-c.done
		cancel()
		if err := waitErr(t, c); err != context.Canceled {
			t.Fatalf("Wait = %v, want context.Canceled", err)
		}
	}
}

// A context that ends after Wait returned changes nothing.
func TestCancelAfterWait(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	c := newInprocCmd(ctx, func(*inprocProc) error { return nil }, "worker")
	if err := c.Run(); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	cancel()
}

func TestCallOrder(t *testing.T) {
	nop := func(*inprocProc) error { return nil }

	c := newInprocCmd(context.Background(), nop, "worker")
	if err := c.Wait(); err == nil || err.Error() != "exec: not started" {
		t.Errorf("Wait before Start = %v", err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err == nil || err.Error() != "exec: already started" {
		t.Errorf("second Start = %v", err)
	}
	if _, err := c.StdoutPipe(); err == nil || err.Error() != "exec: StdoutPipe after process started" {
		t.Errorf("StdoutPipe after Start = %v", err)
	}
	if _, err := c.StdinPipe(); err == nil || err.Error() != "exec: StdinPipe after process started" {
		t.Errorf("StdinPipe after Start = %v", err)
	}
	if _, err := c.StderrPipe(); err == nil || err.Error() != "exec: StderrPipe after process started" {
		t.Errorf("StderrPipe after Start = %v", err)
	}
	if err := c.Wait(); err != nil {
		t.Fatalf("Wait = %v", err)
	}
	if err := c.Wait(); err == nil || err.Error() != "exec: Wait was already called" {
		t.Errorf("second Wait = %v", err)
	}

	c = newInprocCmd(context.Background(), nop, "worker")
	c.Stdin = strings.NewReader("")
	if _, err := c.StdinPipe(); err == nil || err.Error() != "exec: Stdin already set" {
		t.Errorf("StdinPipe with Stdin set = %v", err)
	}
	c.Stdout = io.Discard
	if _, err := c.StdoutPipe(); err == nil || err.Error() != "exec: Stdout already set" {
		t.Errorf("StdoutPipe with Stdout set = %v", err)
	}
	c.Stderr = io.Discard
	if _, err := c.StderrPipe(); err == nil || err.Error() != "exec: Stderr already set" {
		t.Errorf("StderrPipe with Stderr set = %v", err)
	}

	// exec.Cmd's pipe methods set the field, so a second call, or Output
	// after StdoutPipe, finds it set.
	c = newInprocCmd(context.Background(), nop, "worker")
	if _, err := c.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.StdinPipe(); err == nil || err.Error() != "exec: Stdin already set" {
		t.Errorf("second StdinPipe = %v", err)
	}
	if _, err := c.StdoutPipe(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.StdoutPipe(); err == nil || err.Error() != "exec: Stdout already set" {
		t.Errorf("second StdoutPipe = %v", err)
	}
	if _, err := c.Output(); err == nil || err.Error() != "exec: Stdout already set" {
		t.Errorf("Output after StdoutPipe = %v", err)
	}
	if _, err := c.StderrPipe(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.StderrPipe(); err == nil || err.Error() != "exec: Stderr already set" {
		t.Errorf("second StderrPipe = %v", err)
	}
}

func TestOutput(t *testing.T) {
	c := newInprocCmd(context.Background(), serveArgs(func(argv []string, stdin io.Reader, stdout, stderr io.Writer) error {
		in, _ := io.ReadAll(stdin)
		fmt.Fprintf(stdout, "%s|%s", strings.Join(argv, ","), in)
		fmt.Fprint(stderr, "not in Output")
		return nil
	}), "worker", "a", "b")
	c.Stdin = strings.NewReader("input")
	out, err := c.Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "worker,a,b|input" {
		t.Fatalf("Output = %q", out)
	}

	c = newInprocCmd(context.Background(), func(*inprocProc) error {
		return nil
	}, "worker")
	c.Stdout = io.Discard
	if _, err := c.Output(); err == nil || err.Error() != "exec: Stdout already set" {
		t.Fatalf("Output with Stdout set = %v", err)
	}
}

func TestCombinedOutput(t *testing.T) {
	c := newInprocCmd(context.Background(), serveArgs(func(_ []string, _ io.Reader, stdout, stderr io.Writer) error {
		fmt.Fprint(stdout, "out1 ")
		fmt.Fprint(stderr, "err1 ")
		fmt.Fprint(stdout, "out2")
		return inprocExit(4)
	}), "worker")
	out, err := c.CombinedOutput()
	if err == nil || err.Error() != "exit status 4" {
		t.Fatalf("CombinedOutput error = %v, want exit status 4", err)
	}
	if string(out) != "out1 err1 out2" {
		t.Fatalf("CombinedOutput = %q", out)
	}
}

// Several workers given the same writer in Stdout and Stderr take turns on
// it, as the one pipe of each child did: the race detector sees no
// concurrent writes to the bytes.Buffer, and every line arrives whole.
func TestSharedOutputWriter(t *testing.T) {
	const workers, lines = 8, 200
	var shared bytes.Buffer
	cmds := make([]*inprocCmd, workers)
	for i := range cmds {
		cmds[i] = newInprocCmd(context.Background(), serveArgs(func(argv []string, _ io.Reader, stdout, stderr io.Writer) error {
			for j := range lines {
				w := stdout
				if j%2 == 1 {
					w = stderr
				}
				fmt.Fprintf(w, "%s %04d %s\n", argv[1], j, strings.Repeat("z", 40))
			}
			return nil
		}), "worker", fmt.Sprintf("w%d", i))
		cmds[i].Stdout = &shared
		cmds[i].Stderr = &shared
	}
	for _, c := range cmds {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cmds {
		if err := waitErr(t, c); err != nil {
			t.Fatal(err)
		}
	}
	got := strings.Split(strings.TrimSuffix(shared.String(), "\n"), "\n")
	if len(got) != workers*lines {
		t.Fatalf("got %d lines, want %d", len(got), workers*lines)
	}
	for _, l := range got {
		if len(l) != len("w0 0000 ")+40 {
			t.Fatalf("torn line %q", l)
		}
	}
}

// writerFunc is a writer whose dynamic type cannot be compared.
type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestUncomparableOutputWriter(t *testing.T) {
	var mu sync.Mutex
	var got strings.Builder
	w := writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return got.Write(p)
	})
	c := newInprocCmd(context.Background(), serveArgs(func(_ []string, _ io.Reader, stdout, stderr io.Writer) error {
		fmt.Fprint(stdout, "out ")
		fmt.Fprint(stderr, "err")
		return nil
	}), "worker")
	c.Stdout, c.Stderr = w, w
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	if got.String() != "out err" {
		t.Fatalf("output = %q", got.String())
	}
}

func TestParentClosesStdoutEarly(t *testing.T) {
	closed := make(chan struct{})
	writeErr := make(chan error, 1)
	c := newInprocCmd(context.Background(), serveArgs(func(_ []string, _ io.Reader, stdout, _ io.Writer) error {
		fmt.Fprintln(stdout, "first")
		<-closed
		_, err := fmt.Fprintln(stdout, "second")
		writeErr <- err
		return err
	}), "worker")
	stdout, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "first\n" {
		t.Fatalf("first line = %q, %v", line, err)
	}
	stdout.Close()
	close(closed)
	select {
	case err := <-writeErr:
		if !errors.Is(err, io.ErrClosedPipe) {
			t.Fatalf("worker write after close = %v, want io.ErrClosedPipe", err)
		}
	case <-time.After(testTimeout):
		t.Fatal("worker write after the parent closed stdout hangs")
	}
	if err := waitErr(t, c); !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("Wait = %v, want the worker's error", err)
	}
}

// A worker blocked on a full stdout is released when the parent closes its
// end, and a typed encoder fails the same way.
func TestParentClosesTypedStdoutWhileWorkerBlocked(t *testing.T) {
	encodeErr := make(chan error, 1)
	c := newInprocCmd(context.Background(), serveArgs(func(_ []string, _ io.Reader, stdout, _ io.Writer) error {
		enc := newInprocEncoder[int](stdout)
		for i := 0; ; i++ {
			if err := enc.Encode(i); err != nil {
				encodeErr <- err
				return nil
			}
		}
	}), "worker")
	stdout, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	waitBuffered(t, c.stdout, inprocQueueCapacity)
	stdout.Close()
	select {
	case err := <-encodeErr:
		if !errors.Is(err, io.ErrClosedPipe) {
			t.Fatalf("Encode after close = %v, want io.ErrClosedPipe", err)
		}
	case <-time.After(testTimeout):
		t.Fatal("blocked Encode was not released by the parent's close")
	}
	if err := waitErr(t, c); err != nil {
		t.Fatal(err)
	}
}

func TestWorkerIgnoresStdin(t *testing.T) {
	c := newInprocCmd(context.Background(), serveArgs(func(_ []string, _ io.Reader, stdout, _ io.Writer) error {
		fmt.Fprintln(stdout, "done")
		return nil
	}), "worker")
	stdin, err := c.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	// Far more than the pipe holds: once the worker is gone the writes
	// must fail rather than wait for a reader that will never come.
	var writeErr error
	within(t, "writing to a worker that stopped reading", func() {
		chunk := bytes.Repeat([]byte("y"), 4096)
		for range 1024 {
			if _, writeErr = stdin.Write(chunk); writeErr != nil {
				return
			}
		}
	})
	if writeErr == nil {
		t.Fatal("4 MiB written to a worker that never read")
	}
	if err := waitErr(t, c); err != nil {
		t.Fatalf("Wait = %v, want nil", err)
	}
	if _, err := stdin.Write([]byte("z")); err == nil {
		t.Fatal("write to stdin after Wait succeeded")
	}
}

func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()

	// Clean exit with pipes.
	c, stdin, stdout := startPiped(t, context.Background(), echoTyped(nil))
	stdin.Close()
	io.Copy(io.Discard, stdout)
	if err := waitErr(t, c); err != nil {
		t.Fatal(err)
	}
	// Panic.
	c = newInprocCmd(context.Background(), func(*inprocProc) error {
		panic("leak check")
	}, "worker")
	c.Run()
	// Cancel while blocked.
	ctx, cancel := context.WithCancel(context.Background())
	c, stdin, stdout = startPiped(t, ctx, serveArgs(echoLines))
	cancel()
	io.Copy(io.Discard, stdout)
	waitErr(t, c)
	stdin.Close()
	// Output.
	c = newInprocCmd(context.Background(), serveArgs(func(_ []string, _ io.Reader, stdout, _ io.Writer) error {
		_, err := io.WriteString(stdout, "x")
		return err
	}), "worker")
	if _, err := c.Output(); err != nil {
		t.Fatal(err)
	}

	deadline := time.Now().Add(testTimeout)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines after Wait, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(time.Millisecond)
	}
	inprocWriterLocks.Lock()
	held := len(inprocWriterLocks.m)
	inprocWriterLocks.Unlock()
	if held != 0 {
		t.Fatalf("%d writer locks held after every worker returned", held)
	}
}

func BenchmarkTypedRoundTrip(b *testing.B) {
	c, stdin, stdout := startPiped(b, context.Background(), echoTyped(nil))
	enc := newInprocEncoder[testMsg](stdin)
	dec := newInprocDecoder[testMsg](stdout)
	req := testMsgs(1)[0]
	b.ReportAllocs()
	for b.Loop() {
		if err := enc.Encode(req); err != nil {
			b.Fatal(err)
		}
		var resp testMsg
		if err := dec.Decode(&resp); err != nil {
			b.Fatal(err)
		}
	}
	stdin.Close()
	if err := c.Wait(); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkBytePipeJSONRoundTrip(b *testing.B) {
	c, stdin, stdout := startPiped(b, context.Background(), serveArgs(func(_ []string, stdin io.Reader, stdout, _ io.Writer) error {
		dec := json.NewDecoder(stdin)
		enc := json.NewEncoder(stdout)
		for {
			var m testMsg
			if err := dec.Decode(&m); err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
			if err := enc.Encode(m); err != nil {
				return err
			}
		}
	}))
	enc := json.NewEncoder(stdin)
	dec := json.NewDecoder(stdout)
	req := testMsgs(1)[0]
	b.ReportAllocs()
	for b.Loop() {
		if err := enc.Encode(req); err != nil {
			b.Fatal(err)
		}
		var resp testMsg
		if err := dec.Decode(&resp); err != nil {
			b.Fatal(err)
		}
	}
	stdin.Close()
	if err := c.Wait(); err != nil {
		b.Fatal(err)
	}
}

// TestMixedEnds checks that a typed end talks to a plain JSON end on the
// same stream in both directions, as it must when only one side of a
// protocol was converted.
func TestMixedEnds(t *testing.T) {
	type msg struct{ N int }
	s := newInprocStream()
	enc := newInprocEncoder[msg](&inprocWriteEnd{s})
	for i := 0; i < 3; i++ {
		if err := enc.Encode(msg{i}); err != nil {
			t.Fatal(err)
		}
	}
	(&inprocWriteEnd{s}).Close()
	dec := json.NewDecoder(&inprocReadEnd{s})
	for i := 0; i < 3; i++ {
		var m msg
		if err := dec.Decode(&m); err != nil || m.N != i {
			t.Fatalf("plain decoder got %v, %v; want %d", m, err, i)
		}
	}

	s = newInprocStream()
	jenc := json.NewEncoder(&inprocWriteEnd{s})
	for i := 0; i < 3; i++ {
		if err := jenc.Encode(msg{i}); err != nil {
			t.Fatal(err)
		}
	}
	(&inprocWriteEnd{s}).Close()
	tdec := newInprocDecoder[msg](&inprocReadEnd{s})
	for i := 0; i < 3; i++ {
		var m msg
		if err := tdec.Decode(&m); err != nil || m.N != i {
			t.Fatalf("typed decoder got %v, %v; want %d", m, err, i)
		}
	}
	var m msg
	if err := tdec.Decode(&m); err != io.EOF {
		t.Fatalf("typed decoder at end: %v, want io.EOF", err)
	}
}

// TestProcExit: an exit deep in worker code ends that worker alone, with
// its status, after its deferred calls.
func TestProcExit(t *testing.T) {
	deferred := false
	deep := func(proc *inprocProc) {
		defer func() { deferred = true }()
		proc.exit(7)
		t.Error("exit returned")
	}
	c := newInprocCmd(context.Background(), func(proc *inprocProc) error {
		deep(proc)
		return nil
	}, "worker")
	var stderr strings.Builder
	c.Stderr = &stderr
	err := c.Run()
	var ee interface{ ExitCode() int }
	if !errors.As(err, &ee) || ee.ExitCode() != 7 {
		t.Fatalf("Run = %v, want exit status 7", err)
	}
	if !deferred {
		t.Error("deferred call did not run")
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr = %q, want nothing: an exit is not a panic", stderr.String())
	}

	c = newInprocCmd(context.Background(), func(proc *inprocProc) error {
		proc.exit(0)
		return errors.New("not reached")
	}, "worker")
	if err := c.Run(); err != nil {
		t.Fatalf("exit(0): Run = %v, want nil", err)
	}
}

// TestProcFatal: log.Fatal in a worker writes to the worker's stderr
// through a logger with the parent's prefix and flags, then exits 1.
func TestProcFatal(t *testing.T) {
	prefix, flags := log.Prefix(), log.Flags()
	log.SetPrefix("swarm: ")
	log.SetFlags(0)
	defer func() { log.SetPrefix(prefix); log.SetFlags(flags) }()

	c := newInprocCmd(context.Background(), func(proc *inprocProc) error {
		proc.fatalf("bad task %d", 4)
		return nil
	}, "worker")
	var stderr strings.Builder
	c.Stderr = &stderr
	err := c.Run()
	if err == nil || err.Error() != "exit status 1" {
		t.Fatalf("Run = %v, want exit status 1", err)
	}
	if got, want := stderr.String(), "swarm: bad task 4\n"; got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
}

// TestProcEnv: the worker reads the environment its command was given,
// the last of repeated keys winning, and the parent's when none was.
func TestProcEnv(t *testing.T) {
	t.Setenv("PROCMIGRATE_TEST_PARENT", "parent")
	var got []string
	serve := func(proc *inprocProc) error {
		v, ok := proc.lookupEnv("WORKER_ID")
		got = append(got, fmt.Sprintf("%q %v %q", v, ok, proc.getenv("PROCMIGRATE_TEST_PARENT")))
		return nil
	}
	c := newInprocCmd(context.Background(), serve, "worker")
	c.Env = []string{"WORKER_ID=1", "WORKER_ID=2"}
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	c = newInprocCmd(context.Background(), serve, "worker")
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	want := []string{`"2" true ""`, `"" false "parent"`}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("got %q, want %q", got, want)
	}
	if v := inprocProcess().getenv("PROCMIGRATE_TEST_PARENT"); v != "parent" {
		t.Errorf("process getenv = %q, want parent", v)
	}
}

// TestProcFlags: each worker parses its own argv into its own flag set; a
// bad flag prints the usage to the worker's stderr and exits 2, -help 0.
func TestProcFlags(t *testing.T) {
	run := func(args ...string) (string, error) {
		var id *int
		c := newInprocCmd(context.Background(), func(proc *inprocProc) error {
			id = proc.flags.Int("id", -1, "worker `number`")
			proc.parseFlags()
			fmt.Fprintf(proc.stdout, "id=%d rest=%q", *id, proc.flags.Args())
			return nil
		}, "/bin/swarm", args...)
		var out strings.Builder
		c.Stdout, c.Stderr = &out, &out
		err := c.Run()
		return out.String(), err
	}
	// Two workers define the same flag: no "flag redefined" panic.
	for _, id := range []string{"1", "2"} {
		out, err := run("-id", id, "x")
		if err != nil || out != `id=`+id+` rest=["x"]` {
			t.Errorf("run -id %s = %q, %v", id, out, err)
		}
	}
	out, err := run("-bogus")
	if err == nil || err.Error() != "exit status 2" || !strings.Contains(out, "flag provided but not defined: -bogus") || !strings.Contains(out, "Usage of /bin/swarm:") {
		t.Errorf("bad flag: %q, %v", out, err)
	}
	if out, err := run("-help"); err != nil || !strings.Contains(out, "-id number") {
		t.Errorf("-help: %q, %v", out, err)
	}
}

// TestProcContain: a panic on a goroutine the worker started ends the
// worker with status 2, even while its serving function is blocked, as it
// ended the worker's process; the parent goes on.
func TestProcContain(t *testing.T) {
	release := make(chan struct{})
	c := newInprocCmd(context.Background(), func(proc *inprocProc) error {
		go func() {
			defer proc.contain()
			panic("poison task")
		}()
		<-release // blocked, as on a read that never ends
		fmt.Fprintln(proc.stdout, "too late")
		return nil
	}, "worker")
	var stdout, stderr strings.Builder
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	err := waitErr(t, c)
	close(release)
	if err == nil || err.Error() != "exit status 2" {
		t.Fatalf("Wait = %v, want exit status 2", err)
	}
	if !strings.HasPrefix(stderr.String(), "panic: poison task\n") {
		t.Errorf("stderr = %q, want the panic", stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q after the worker ended", stdout.String())
	}
}

// TestProcEnvDedup: repeated keys keep their last value, once, as exec.Cmd
// passes them to a child.
func TestProcEnvDedup(t *testing.T) {
	var got []string
	c := newInprocCmd(context.Background(), func(proc *inprocProc) error {
		got = proc.environ()
		return nil
	}, "worker")
	c.Env = []string{"A=1", "B=2", "A=3"}
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "B=2 A=3" {
		t.Errorf("environ = %q, want [B=2 A=3]", got)
	}
}
