// Package main holds the pipe bugs the analyzer reports, each beside the
// same code written correctly, which it must not report, and the same
// bugs on another program, which is no worker and is not reported.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"sync"
	"syscall"
)

type event struct {
	Kind string
	Data map[string]string
}

type tick struct{ N int }

func main() {
	if len(os.Args) > 1 && os.Args[1] == "w" {
		io.Copy(os.Stdout, os.Stdin) // want `worker "w" writes raw bytes to stdout in main` `worker "w" reads raw bytes from stdin in main`
		return
	}
	exe, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	readAfterWait(exe)
	readBeforeWait(exe)
	joinedFirst(exe)
	errgroupLike(exe)
	undrainedStderr(exe)
	drainedStderr(exe)
	discardedStderr(exe)
	killOnly(exe)
	killAndWait(exe)
	startProcessKill(exe)
	feedThenRead(exe)
	feedInGoroutine(exe)
	scanEvents(exe)
	scanTicks(exe)
	scanBuffered(exe)
	external()
}

func readAfterWait(exe string) []byte {
	cmd := exec.Command(exe, "w")
	out, _ := cmd.StdoutPipe() // want `stdout pipe of worker "w" carries raw bytes`
	cmd.Start()
	cmd.Wait() // want `cmd\.Wait is called before the stdout pipe of worker "w" is read on line 57: Wait closes the pipe, so the read fails or loses what the worker wrote last`
	b, _ := io.ReadAll(out)
	return b
}

func readBeforeWait(exe string) []byte {
	cmd := exec.Command(exe, "w")
	out, _ := cmd.StdoutPipe() // want `stdout pipe of worker "w" carries raw bytes`
	cmd.Start()
	b, _ := io.ReadAll(out)
	cmd.Wait()
	return b
}

func joinedFirst(exe string) {
	cmd := exec.Command(exe, "w")
	out, _ := cmd.StdoutPipe() // want `stdout pipe of worker "w" carries lines read with bufio\.Scanner`
	cmd.Start()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			fmt.Println(sc.Text())
		}
	}()
	wg.Wait()
	cmd.Wait()
}

func errgroupLike(exe string) {
	cmd := exec.Command(exe, "w")
	out, _ := cmd.StdoutPipe() // want `stdout pipe of worker "w" carries raw bytes`
	cmd.Start()
	done := make(chan struct{})
	go func() {
		io.Copy(os.Stdout, out)
		close(done)
	}()
	<-done
	cmd.Wait()
}

func undrainedStderr(exe string) {
	cmd := exec.Command(exe, "w")
	cmd.Stdout = os.Stdout
	errp, _ := cmd.StderrPipe() // want `stderr pipe of worker "w" carries raw bytes` `stderr pipe of worker "w" is never read: once the worker has filled the pipe's buffer \(64 KiB on Linux\) its next write blocks; read it to the end or set cmd\.Stderr instead`
	cmd.Start()
	defer errp.Close()
	cmd.Wait()
}

func drainedStderr(exe string) {
	cmd := exec.Command(exe, "w")
	errp, _ := cmd.StderrPipe() // want `stderr pipe of worker "w" carries raw bytes`
	cmd.Start()
	go io.Copy(os.Stderr, errp)
	cmd.Wait() // want `cmd\.Wait is called while the goroutine started on line 113 may still read the stderr pipe of worker "w"`
}

func discardedStderr(exe string) {
	cmd := exec.Command(exe, "w")
	cmd.Stdout = os.Stdout
	errp, _ := cmd.StderrPipe() // want `stderr pipe of worker "w" carries raw bytes` `stderr pipe of worker "w" is never read`
	_ = errp
	cmd.Run()
}

func killOnly(exe string) {
	cmd := exec.Command(exe, "w")
	cmd.Start()
	cmd.Process.Kill() // want `cmd\.Process\.Kill is never followed by a Wait on worker "w": the killed process stays a zombie and its pipes stay open; call Wait after the kill`
}

func killAndWait(exe string) {
	cmd := exec.Command(exe, "w")
	cmd.Start()
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
}

func startProcessKill(exe string) {
	p, err := os.StartProcess(exe, []string{exe, "w"}, &os.ProcAttr{})
	if err != nil {
		return
	}
	p.Signal(os.Kill) // want `p\.Signal is never followed by a Wait on worker "w"`
}

func feedThenRead(exe string) []byte {
	cmd := exec.Command(exe, "w")
	in, _ := cmd.StdinPipe()   // want `stdin pipe of worker "w" carries lines written with fmt\.Fprintln`
	out, _ := cmd.StdoutPipe() // want `stdout pipe of worker "w" carries raw bytes`
	cmd.Start()
	for i := 0; i < 100000; i++ {
		fmt.Fprintln(in, i) // want `the whole request is written to the stdin pipe of worker "w" before anything reads its stdout pipe: a worker that answers while it reads blocks once its stdout pipe is full, and so does this write; read stdout in a goroutine`
	}
	in.Close()
	b, _ := io.ReadAll(out)
	cmd.Wait()
	return b
}

func feedInGoroutine(exe string) []byte {
	cmd := exec.Command(exe, "w")
	in, _ := cmd.StdinPipe()   // want `stdin pipe of worker "w" carries lines written with fmt\.Fprintln`
	out, _ := cmd.StdoutPipe() // want `stdout pipe of worker "w" carries raw bytes`
	cmd.Start()
	go func() {
		for i := 0; i < 100000; i++ {
			fmt.Fprintln(in, i)
		}
		in.Close()
	}()
	b, _ := io.ReadAll(out)
	cmd.Wait()
	return b
}

func scanEvents(exe string) {
	cmd := exec.Command(exe, "w")
	out, _ := cmd.StdoutPipe() // want `stdout pipe of worker "w" carries event values as JSON lines read with bufio\.Scanner and json\.Unmarshal`
	cmd.Start()
	sc := bufio.NewScanner(out) // want `bufio\.Scanner on the stdout pipe of worker "w" stops with bufio\.ErrTooLong at a line over 64 KiB, and the event values the worker writes have no size limit`
	for sc.Scan() {
		var e event
		json.Unmarshal(sc.Bytes(), &e)
	}
	cmd.Wait()
}

func scanTicks(exe string) {
	cmd := exec.Command(exe, "w")
	out, _ := cmd.StdoutPipe() // want `stdout pipe of worker "w" carries tick values as JSON lines read with bufio\.Scanner and json\.Unmarshal`
	cmd.Start()
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		var t tick
		json.Unmarshal([]byte(sc.Text()), &t)
	}
	cmd.Wait()
}

func scanBuffered(exe string) {
	cmd := exec.Command(exe, "w")
	out, _ := cmd.StdoutPipe() // want `stdout pipe of worker "w" carries event values as JSON lines read with bufio\.Scanner and json\.Unmarshal`
	cmd.Start()
	sc := bufio.NewScanner(out)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var e event
		json.Unmarshal(sc.Bytes(), &e)
	}
	cmd.Wait()
}

// external has the same bugs on git, which is not a worker.
func external() {
	cmd := exec.Command("git", "log")
	out, _ := cmd.StdoutPipe()
	errp, _ := cmd.StderrPipe()
	defer errp.Close()
	cmd.Start()
	cmd.Wait()
	io.ReadAll(out)
	cmd.Process.Kill()
}
