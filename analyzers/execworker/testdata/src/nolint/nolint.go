// Package main starts agents that re-execute the binary, some under a
// //nolint directive for execworker and some under directives that do not
// cover it.
package main

import (
	"io"
	"os"
	"os/exec"
)

const roleAgent = "agent"

func serve(r io.Reader, w io.Writer) {}

func main() {
	if len(os.Args) > 1 && os.Args[1] == roleAgent {
		serve(os.Stdin, os.Stdout)
		return
	}

	// Suppressed on the line.
	_ = exec.Command(os.Args[0], roleAgent).Run() //nolint:execworker // the agent stays a process
	_ = exec.Command(os.Args[0], roleAgent).Run() //nolint
	_ = exec.Command(os.Args[0], roleAgent).Run() //nolint:all
	_ = exec.Command(os.Args[0], roleAgent).Run() //nolint:pipeipc,execworker

	// Suppressed by a directive above the statement.
	//nolint:execworker
	if cmd := exec.Command(os.Args[0], roleAgent); cmd != nil {
		_ = cmd.Run()
	}

	// Reported: the directive names another analyzer, or is not one.
	_ = exec.Command(os.Args[0], roleAgent).Run() //nolint:pipeipc // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) as role "agent" served by serve`
	_ = exec.Command(os.Args[0], roleAgent).Run() // nolint:execworker // want `re-executes this binary`
	_ = exec.Command(os.Args[0], roleAgent).Run() //nolint: execworker // want `re-executes this binary`
	_ = exec.Command(os.Args[0], roleAgent).Run() //nolint:execworkers // want `re-executes this binary`
}

// startQuiet starts an agent whose memory must stay apart from the
// parent's.
//
//nolint:execworker // it stays a process
func startQuiet() *exec.Cmd {
	cmd := exec.Command(os.Args[0], roleAgent)
	if cmd.Err != nil {
		return exec.Command(os.Args[0], roleAgent)
	}
	return cmd
}

func startInline() *exec.Cmd { //nolint:execworker
	return exec.Command(os.Args[0], roleAgent)
}

//nolint:pipeipc
func startLoud() *exec.Cmd {
	return exec.Command(os.Args[0], roleAgent) // want `re-executes this binary`
}

var quiet = exec.Command(os.Args[0], roleAgent) //nolint:execworker

var (
	//nolint:execworker
	quietToo = exec.Command(os.Args[0], roleAgent)
	loud     = exec.Command(os.Args[0], roleAgent) // want `re-executes this binary`
)
