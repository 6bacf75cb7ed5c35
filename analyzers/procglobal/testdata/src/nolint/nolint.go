// Package main has worker code whose uses are suppressed.
package main

import (
	"log"
	"os"
	"os/exec"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "agent" {
		agent()
		return
	}
	cmd := exec.Command(os.Args[0], "agent")
	if _, err := cmd.StdoutPipe(); err != nil {
		return
	}
}

func agent() {
	log.Print("a") //nolint:procglobal // the agent's logs go to the orchestrator on purpose
	log.Print("b") //nolint:execworker // want `uses log\.Print`
	log.Print("c") // want `uses log\.Print`
	quiet()
}

//nolint:procglobal
func quiet() {
	log.Print("d")
	os.Exit(1)
}
