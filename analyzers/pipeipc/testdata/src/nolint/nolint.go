// Package main talks to its workers over pipes, some under a //nolint
// directive for pipeipc and some under directives that do not cover it.
package main

import (
	"io"
	"os"
	"os/exec"
)

func main() {
	switch os.Args[1] {
	case "quiet":
		serve(os.Stdin, os.Stdout) //nolint:pipeipc // the worker side stays as it is
		return
	case "loud":
		serve(os.Stdin, os.Stdout) //nolint:execworker // want `worker "loud" reads raw bytes from stdin in serve` `worker "loud" writes raw bytes to stdout in serve`
		return
	}
	quiet()
	loud()
	_ = exec.Command(os.Args[0], "quiet") //nolint:pipeipc
	_ = exec.Command(os.Args[0], "loud")  //nolint:pipeipc
}

func serve(r io.Reader, w io.Writer) { io.Copy(w, r) }

// quiet keeps its pipes: the parent and the worker share nothing else.
//
//nolint:pipeipc
func quiet() {
	cmd := exec.Command(os.Args[0], "quiet")
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	_, _ = in, out
}

func loud() {
	cmd := exec.Command(os.Args[0], "loud")
	in, _ := cmd.StdinPipe()   //nolint:pipeipc
	out, _ := cmd.StdoutPipe() //nolint:execworker,nolintlint // want `stdout pipe of worker "loud" carries raw bytes` `stdout pipe of worker "loud" is never read`
	//nolint:all
	errs, _ := cmd.StderrPipe()
	_, _, _ = in, out, errs
	logs, _ := cmd.StderrPipe() // nolint:pipeipc // want `stderr pipe of worker "loud" carries raw bytes` `stderr pipe of worker "loud" is never read`
	_ = logs
}
