// Package limits pins known shortcomings: a pipe wrapped in a bufio reader
// before its decoder, and a pipe handed to another function, read as raw
// bytes (see TODO(procmigrate) on pipes in package workers).
package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "agent" {
		serve(bufio.NewReader(os.Stdin), os.Stdout) // want `worker "agent" writes raw bytes to stdout in serve`
		return
	}
	cmd := exec.Command(os.Args[0], "agent")
	out, _ := cmd.StdoutPipe() // want `stdout pipe of worker "agent" carries raw bytes`
	var n int
	json.NewDecoder(bufio.NewReader(out)).Decode(&n)
	in, _ := cmd.StdinPipe() // want `stdin pipe of worker "agent" carries raw bytes`
	send(in)
}

func send(w io.Writer) { json.NewEncoder(w).Encode(1) }

func serve(r io.Reader, w io.Writer) {
	send(w)
}
