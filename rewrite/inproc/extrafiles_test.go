package inproc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
)

// The parent hands the write end of a pipe to the worker as descriptor 3
// and closes its own; it reads what the worker wrote, then EOF when the
// worker returns, as it did with a child.
func TestExtraFilesWrite(t *testing.T) {
	r, w, err := inprocPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := newInprocCmd(context.Background(), func(proc *inprocProc) error {
		f := proc.newFile(3, "status")
		for i := range 3 {
			if _, err := fmt.Fprintf(f, "step %d\n", i); err != nil {
				return err
			}
		}
		return nil // returning closes descriptor 3, as exiting did
	}, "worker")
	c.ExtraFiles = []*inprocFile{w}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	var out []byte
	within(t, "reading the extra pipe", func() { out, err = io.ReadAll(r) })
	if err != nil || string(out) != "step 0\nstep 1\nstep 2\n" {
		t.Fatalf("read %q, %v", out, err)
	}
	if err := waitErr(t, c); err != nil {
		t.Fatal(err)
	}
}

// The worker reads descriptor 3 until the parent closes its end; while the
// parent still holds the write end, a worker's own copy does not keep the
// reader from seeing EOF.
func TestExtraFilesRead(t *testing.T) {
	r, w, _ := inprocPipe()
	got := make(chan string, 1)
	c := newInprocCmd(context.Background(), func(proc *inprocProc) error {
		b, err := io.ReadAll(proc.newFile(3, "jobs"))
		got <- string(b)
		return err
	}, "worker")
	c.ExtraFiles = []*inprocFile{r}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	io.WriteString(w, "a\nb\n")
	w.Close()
	if err := waitErr(t, c); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "a\nb\n" {
		t.Fatalf("worker read %q", s)
	}
}

// A parent that keeps its write end open sees EOF only when it closes it,
// even after the worker returned: the pipe has a writer left.
func TestExtraFilesParentHoldsEnd(t *testing.T) {
	r, w, _ := inprocPipe()
	c := newInprocCmd(context.Background(), func(proc *inprocProc) error {
		_, err := io.WriteString(proc.newFile(3, "out"), "x")
		return err
	}, "worker")
	c.ExtraFiles = []*inprocFile{w}
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if n, err := r.Read(b); n != 1 || err != nil {
		t.Fatalf("Read = %d, %v", n, err)
	}
	io.WriteString(w, "y")
	w.Close()
	rest, err := io.ReadAll(r)
	if err != nil || string(rest) != "y" {
		t.Fatalf("rest = %q, %v", rest, err)
	}
}

// Descriptors the worker was not given fail as they did in the child; a
// closed end fails as a closed *os.File does; a closed file cannot be
// handed over.
func TestExtraFilesErrors(t *testing.T) {
	r, w, _ := inprocPipe()
	c := newInprocCmd(context.Background(), func(proc *inprocProc) error {
		if _, err := proc.newFile(4, "none").Write([]byte("x")); err == nil {
			return errors.New("write to descriptor 4 succeeded")
		}
		f := proc.newFile(3, "out")
		if _, err := f.Read(make([]byte, 1)); err == nil {
			return errors.New("read from a write end succeeded")
		}
		f.Close()
		if _, err := f.Write([]byte("x")); !errors.Is(err, os.ErrClosed) {
			return fmt.Errorf("write after close = %v, want os.ErrClosed", err)
		}
		return nil
	}, "worker")
	c.ExtraFiles = []*inprocFile{w}
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if b, _ := io.ReadAll(r); len(b) != 0 {
		t.Fatalf("read %q", b)
	}

	_, w2, _ := inprocPipe()
	w2.Close()
	c = newInprocCmd(context.Background(), func(*inprocProc) error { return nil }, "worker")
	c.ExtraFiles = []*inprocFile{w2}
	if err := c.Start(); err == nil || !strings.Contains(err.Error(), "ExtraFiles[0]") {
		t.Fatalf("Start with a closed extra file = %v", err)
	}
}

// A killed worker's descriptors close with it: the parent reading the
// extra pipe sees what was written, then EOF.
func TestExtraFilesKill(t *testing.T) {
	r, w, _ := inprocPipe()
	started := make(chan struct{})
	c := newInprocCmd(context.Background(), func(proc *inprocProc) error {
		io.WriteString(proc.newFile(3, "out"), "partial")
		close(started)
		io.Copy(io.Discard, proc.stdin) // until killed
		return nil
	}, "worker")
	c.ExtraFiles = []*inprocFile{w}
	stdin, _ := c.StdinPipe()
	defer stdin.Close()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	<-started
	c.Process.Kill()
	var out []byte
	within(t, "reading after the kill", func() { out, _ = io.ReadAll(r) })
	if string(out) != "partial" {
		t.Fatalf("read %q", out)
	}
	if err := waitErr(t, c); err == nil || err.Error() != "signal: killed" {
		t.Fatalf("Wait = %v", err)
	}
}
