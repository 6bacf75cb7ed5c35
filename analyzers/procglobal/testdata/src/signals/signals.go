// Package main has workers that take signals, which in-process are the
// orchestrator's.
package main

import (
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "watcher" {
		watch()
		return
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	signal.Ignore(syscall.SIGPIPE)
	cmd := exec.Command(os.Args[0], "watcher")
	if _, err := cmd.StdinPipe(); err != nil {
		return
	}
	_ = cmd.Run()
	signal.Reset()
}

func watch() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGHUP) // want `worker code for role "watcher" uses signal\.Notify, which takes the parent's signals; migrate rewrite leaves the site unchanged`
	signal.Ignore(syscall.SIGINT)    // want `uses signal\.Ignore, which changes signal handling for the whole process`
	defer signal.Reset()             // want `uses signal\.Reset, which changes signal handling for the whole process`
	<-c
}
