//go:build linux

// Command forkexec scrubs records in a child it forks with
// syscall.ForkExec, the lowest-level way Go starts a process.
package main

import (
	"bufio"
	"io"
	"log"
	"os"
	"strings"
	"syscall"
)

const self = "/proc/self/exe"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "scrub" {
		if err := scrub(os.Stdin, os.Stdout); err != nil {
			log.Fatal(err)
		}
		return
	}
	r, w, err := os.Pipe()
	if err != nil {
		log.Fatal(err)
	}
	argv := []string{self, "scrub"}
	pid, err := syscall.ForkExec(self, argv, &syscall.ProcAttr{Files: []uintptr{r.Fd(), os.Stdout.Fd(), os.Stderr.Fd()}}) // want `worker started with syscall\.ForkExec re-executes this binary \(/proc/self/exe\) as role "scrub" served by scrub; a candidate to run as a goroutine`
	if err != nil {
		log.Fatal(err)
	}
	r.Close()
	io.WriteString(w, "card=4111111111111111\n")
	w.Close()
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(pid, &ws, 0, nil); err != nil {
		log.Fatal(err)
	}
}

func scrub(r io.Reader, w io.Writer) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		k, _, _ := strings.Cut(sc.Text(), "=")
		if _, err := io.WriteString(w, k+"=redacted\n"); err != nil {
			return err
		}
	}
	return sc.Err()
}
