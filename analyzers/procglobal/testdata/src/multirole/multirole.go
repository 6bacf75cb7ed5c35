// Package main has two roles that share a helper: its uses are reported
// once, naming the first role that reaches them.
package main

import (
	"log"
	"os"
	"os/exec"
)

func main() {
	switch os.Args[1] {
	case "fetch":
		fetch()
		return
	case "parse":
		parse()
		return
	}
	for _, role := range []string{"fetch", "parse"} {
		_ = role
	}
	f := exec.Command(os.Args[0], "fetch")
	p := exec.Command(os.Args[0], "parse")
	if _, err := f.StdoutPipe(); err != nil {
		logf("fetch: %v", err)
	}
	if _, err := p.StdinPipe(); err != nil {
		logf("parse: %v", err)
	}
}

func fetch() { logf("fetching") }

func parse() {
	logf("parsing")
	log.SetFlags(0) // want `worker code for role "parse" uses log\.SetFlags`
}

// logf is called by both roles and the orchestrator.
func logf(format string, args ...any) {
	log.Printf(format, args...) // want `worker code for role "fetch" uses log\.Printf, which writes to the parent's standard error, not the worker's`
}
