// Package main re-executes itself as a "summarize" worker whose code uses
// state of the whole process, as a program golangci-lint checks with the
// procmigrate plugin would.
package main

import (
	"encoding/json"
	"os"
	"os/exec"
)

type job struct{ Text string }

func main() {
	if len(os.Args) > 1 && os.Args[1] == "summarize" {
		summarize()
		return
	}
	cmd := exec.Command(os.Args[0], "summarize")
	in, _ := cmd.StdinPipe()
	_ = cmd.Start()
	_ = json.NewEncoder(in).Encode(job{Text: "hello"})
	_ = in.Close()
	_ = cmd.Wait()
}

func summarize() {
	var j job
	if err := json.NewDecoder(os.Stdin).Decode(&j); err != nil { //nolint:procglobal // read once, before any other worker starts
		os.Exit(2) // want `worker code for role "summarize" uses os\.Exit`
	}
}
