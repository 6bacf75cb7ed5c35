package inproc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/rpc"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// blockOnStdin is a worker that writes a line and then reads its stdin
// until it fails, as a server waiting for requests does.
func blockOnStdin(started chan<- struct{}) inprocServeFunc {
	return func(proc *inprocProc) error {
		fmt.Fprintln(proc.stdout, "up")
		close(started)
		_, err := io.Copy(io.Discard, proc.stdin)
		if err != nil {
			return inprocExit(1)
		}
		return nil
	}
}

// Each signal that ends a child by default stops the worker, and Wait
// words it as exec.Cmd words the child's end.
func TestProcessSignal(t *testing.T) {
	for _, tc := range []struct {
		send func(*inprocHandle) error
		want string
	}{
		{(*inprocHandle).Kill, "signal: killed"},
		{func(h *inprocHandle) error { return h.Signal(os.Interrupt) }, "signal: interrupt"},
		{func(h *inprocHandle) error { return h.Signal(syscall.SIGTERM) }, "signal: terminated"},
	} {
		started := make(chan struct{})
		c, stdin, stdout := startPiped(t, context.Background(), blockOnStdin(started))
		<-started
		if err := tc.send(c.Process); err != nil {
			t.Fatalf("%s: signal = %v", tc.want, err)
		}
		var out []byte
		within(t, "reading stdout after the signal", func() { out, _ = io.ReadAll(stdout) })
		if string(out) != "up\n" {
			t.Errorf("%s: stdout = %q, want what was written before the signal", tc.want, out)
		}
		if _, err := stdin.Write([]byte("x\n")); err == nil {
			t.Errorf("%s: write to a stopped worker's stdin succeeded", tc.want)
		}
		err := waitErr(t, c)
		if err == nil || err.Error() != tc.want {
			t.Fatalf("Wait = %v, want %s", err, tc.want)
		}
		var ee interface{ ExitCode() int }
		if !errors.As(err, &ee) || ee.ExitCode() != -1 {
			t.Fatalf("Wait error %#v: want exit code -1", err)
		}
		if err := c.Process.Kill(); err != os.ErrProcessDone {
			t.Errorf("Kill after Wait = %v, want os.ErrProcessDone", err)
		}
	}
}

// A signal the worker cannot be sent fails and leaves it running.
func TestProcessUnsupportedSignal(t *testing.T) {
	started := make(chan struct{})
	c, stdin, stdout := startPiped(t, context.Background(), blockOnStdin(started))
	<-started
	if err := c.Process.Signal(syscall.SIGHUP); err == nil {
		t.Fatal("Signal(SIGHUP) = nil, want an error")
	}
	stdin.Close()
	io.Copy(io.Discard, stdout)
	if err := waitErr(t, c); err != nil {
		t.Fatalf("Wait = %v, want nil: the worker was not stopped", err)
	}
}

// A signal to a worker that returned but was not waited for changes
// nothing, as for a child that exited: Wait reports its own status.
func TestProcessSignalAfterExit(t *testing.T) {
	c := newInprocCmd(context.Background(), func(*inprocProc) error { return inprocExit(3) }, "worker")
	if c.Process != nil {
		t.Fatal("Process set before Start")
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	<-c.done
	if err := c.Process.Signal(os.Interrupt); err != nil {
		t.Fatalf("Signal = %v, want nil", err)
	}
	if err := waitErr(t, c); err == nil || err.Error() != "exit status 3" {
		t.Fatalf("Wait = %v, want exit status 3", err)
	}
}

// A signal racing the worker's own return and the parent's Wait is safe,
// and Wait reports one of the two ends.
func TestProcessSignalRace(t *testing.T) {
	for range 100 {
		c := newInprocCmd(context.Background(), func(*inprocProc) error { return nil }, "worker")
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Process.Signal(os.Interrupt)
		}()
		err := waitErr(t, c)
		wg.Wait()
		if err != nil && err.Error() != "signal: interrupt" {
			t.Fatalf("Wait = %v", err)
		}
	}
}

// The worker's streams close as a child's descriptors did: closing its
// stdout ends the parent's read with EOF, and closing a writer the parent
// handed over leaves it open.
func TestProcStreamsClose(t *testing.T) {
	c, stdin, stdout := startPiped(t, context.Background(), func(proc *inprocProc) error {
		fmt.Fprintln(proc.stdout, "bye")
		if err := proc.stdout.Close(); err != nil {
			return err
		}
		_, err := io.Copy(io.Discard, proc.stdin)
		return err
	})
	var out []byte
	within(t, "reading a closed stdout", func() { out, _ = io.ReadAll(stdout) })
	if string(out) != "bye\n" {
		t.Fatalf("stdout = %q", out)
	}
	stdin.Close()
	if err := waitErr(t, c); err != nil {
		t.Fatal(err)
	}

	var buf strings.Builder
	c = newInprocCmd(context.Background(), func(proc *inprocProc) error {
		if err := proc.stdin.Close(); err != nil {
			return err
		}
		if err := proc.stdout.Close(); err != nil {
			return err
		}
		return proc.stderr.Close()
	}, "worker")
	c.Stdin = strings.NewReader("in")
	c.Stdout = &buf
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
}

// rpcConn joins a worker's two streams, or the parent's two pipes, into
// the connection net/rpc wants, as programs that run a plugin do.
type rpcConn struct {
	io.ReadCloser
	io.WriteCloser
}

func (c rpcConn) Close() error {
	return errors.Join(c.WriteCloser.Close(), c.ReadCloser.Close())
}

type RPCGreeter struct{}

func (RPCGreeter) Greet(name string, reply *string) error {
	*reply = "hello, " + name
	return nil
}

// A net/rpc plugin served on the worker's streams answers calls, and is
// stopped with an interrupt as a plugin process was.
func TestRPCOverStreams(t *testing.T) {
	c, stdin, stdout := startPiped(t, context.Background(), func(proc *inprocProc) error {
		srv := rpc.NewServer()
		if err := srv.Register(RPCGreeter{}); err != nil {
			return err
		}
		srv.ServeConn(rpcConn{proc.stdin, proc.stdout})
		return nil
	})
	client := rpc.NewClient(rpcConn{stdout, stdin})
	var reply string
	within(t, "calling the plugin", func() {
		if err := client.Call("RPCGreeter.Greet", "ada", &reply); err != nil {
			t.Error(err)
		}
	})
	if reply != "hello, ada" {
		t.Fatalf("reply = %q", reply)
	}
	if err := c.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	client.Close()
	if err := waitErr(t, c); err == nil || err.Error() != "signal: interrupt" {
		t.Fatalf("Wait = %v, want signal: interrupt", err)
	}
}
