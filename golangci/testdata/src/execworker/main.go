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
	cmd := exec.Command(os.Args[0], "summarize") // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) as role "summarize" served by summarize; a candidate to run as a goroutine`
	in, _ := cmd.StdinPipe()
	_ = cmd.Start()
	_ = json.NewEncoder(in).Encode(job{Text: "hello"})
	_ = in.Close()
	_ = cmd.Wait()

	_ = exec.Command(os.Args[0], "summarize").Run() //nolint:execworker // kept a process on purpose
}

func summarize() {
	var j job
	_ = json.NewDecoder(os.Stdin).Decode(&j)
}
