// Package main runs workers that end the process in ways that, once they
// are goroutines, end the orchestrator too.
package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "agent" {
		// os.Exit as a statement of the branch is replaced by the rewriter.
		if err := serve(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer os.Exit(0)              // want `worker code for role "agent" uses os\.Exit, which in-process ends the parent and every worker; migrate rewrite makes it end only that worker, with the same status, where nothing recovers it on the way`
		fail := func() { os.Exit(2) } // want `worker code for role "agent" uses os\.Exit, which in-process ends the parent and every worker`
		fail()
		return
	}

	// The orchestrator may end the process as it likes.
	cmd := exec.Command(os.Args[0], "agent")
	if _, err := cmd.StdoutPipe(); err != nil {
		log.Fatal(err)
	}
	if err := cmd.Run(); err != nil {
		log.Fatalf("agent: %v", err)
	}
	orchestratorOnly()
	os.Exit(0)
}

func serve(in io.Reader, out io.Writer) error {
	if _, err := io.Copy(out, in); err != nil {
		log.Fatalln("copy:", err) // want `worker code for role "agent" uses log\.Fatalln, which ends the whole process; migrate rewrite makes it end only that worker, with the same status, where nothing recovers it on the way`
	}
	check(errors.New("x"))
	return nil
}

func check(err error) {
	if err == nil {
		return
	}
	log.Fatal(err)        // want `worker code for role "agent" uses log\.Fatal, which ends the whole process`
	log.Fatalf("%v", err) // want `uses log\.Fatalf, which ends the whole process`
	os.Exit(3)            // want `uses os\.Exit, which in-process ends the parent and every worker`
	syscall.Exit(4)       // want `uses syscall\.Exit, which ends the whole process`
}

// orchestratorOnly is not worker code.
func orchestratorOnly() {
	log.Fatal("unreachable")
	syscall.Exit(1)
}
