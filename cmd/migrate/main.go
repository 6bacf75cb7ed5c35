// Command migrate finds Go programs that run worker agents by re-executing
// their own binary, and rewrites those workers into goroutines.
//
// Usage:
//
//	migrate check [-C dir] [--format=text|json|sarif] [packages]
//	migrate rewrite [-C dir] [--write] [packages]
//	go vet -vettool=$(command -v migrate) [packages]
//
// Run "migrate help" for the details of each command.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/procmigrate/procmigrate/internal/loaderr"
	"github.com/procmigrate/procmigrate/rewrite"
)

// Exit codes. A check that finds something is not an error, so it has a
// code of its own.
const (
	exitOK       = 0
	exitError    = 1
	exitFindings = 3
)

func main() {
	if isVetInvocation(os.Args[1:]) {
		runVetTool() // does not return
	}
	env := &cliEnv{Stdout: os.Stdout, Stderr: os.Stderr, Rewrite: rewrite.Run,
		StderrIsTerminal: func() bool { return term.IsTerminal(int(os.Stderr.Fd())) }}
	wd, err := os.Getwd()
	if err != nil {
		os.Exit(exitCode(fmt.Errorf("find working directory: %w", err), env.Stderr))
	}
	env.Dir = wd
	cmd := newRootCmd(env)
	cmd.SetArgs(goHelpFlag(os.Args[1:]))
	err = cmd.ExecuteContext(context.Background())
	os.Exit(exitCode(err, env.Stderr))
}

// exitCode maps the error a command returned to the process exit code,
// printing it to stderr as a single line when it is a real error.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errFindings) {
		return exitFindings
	}
	fmt.Fprintf(stderr, "migrate: %s\n", loaderr.OneLine(err.Error()))
	return exitError
}
