// Package main re-executes itself as a "summarize" worker, as a program
// golangci-lint checks with the procmigrate plugin would.
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
	in, _ := cmd.StdinPipe() // want `stdin pipe of worker "summarize" carries job values encoded with json\.Encoder`
	_ = cmd.Start()
	_ = json.NewEncoder(in).Encode(job{Text: "hello"})
	_ = in.Close()
	_ = cmd.Wait()

	quiet := exec.Command(os.Args[0], "summarize")
	_, _ = quiet.StdinPipe() //nolint:pipeipc // kept a process on purpose
}

func summarize() {
	var j job
	_ = json.NewDecoder(os.Stdin).Decode(&j) // want `worker "summarize" reads job values from stdin with json\.Decoder in summarize`
}
