// Package main has workers that talk to the standard streams and loggers
// directly rather than through what the branch hands them.
package main

import (
	"bufio"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"os/exec"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "echo" {
		// The streams handed to serve, and os.Args, are what the rewriter
		// replaces in the branch.
		if err := serve(os.Args[2:], os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		go func() {
			fmt.Fprintln(os.Stderr, "late") // want `worker code for role "echo" uses os\.Stderr, which in-process writes to the parent's standard error, not the worker's; migrate rewrite hands the worker its own standard streams`
		}()
		return
	}

	// The orchestrator owns the streams and the loggers.
	log.SetOutput(os.Stderr)
	log.SetPrefix("orchestrator: ")
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, nil)))
	fmt.Println("starting")
	cmd := exec.Command(os.Args[0], "echo")
	out, err := cmd.StdoutPipe()
	if err != nil {
		log.Print(err)
		return
	}
	go io.Copy(os.Stdout, out)
	if err := cmd.Run(); err != nil {
		slog.Error("echo failed", "err", err)
	}
}

func serve(args []string, in io.Reader, out io.Writer) error {
	log.SetPrefix("echo: ")        // want `worker code for role "echo" uses log\.SetPrefix, which changes the standard logger of the parent and every worker`
	log.SetOutput(io.Discard)      // want `uses log\.SetOutput, which changes the standard logger`
	log.Printf("args %q", args)    // want `uses log\.Printf, which writes to the parent's standard error, not the worker's`
	slog.Info("serving")           // want `uses slog\.Info, which writes through the parent's default logger`
	slog.SetDefault(slog.New(nil)) // want `uses slog\.SetDefault, which changes the default logger of the parent and every worker`
	fmt.Println("ready")           // want `uses fmt\.Println, which writes to the parent's standard output`
	fmt.Fprintln(out, "ready")     // a writer of its own: fine
	var name string
	fmt.Scanln(&name)               // want `uses fmt\.Scanln, which reads the parent's standard input`
	print("p")                      // want `uses print, which writes to the parent's standard error`
	println("q")                    // want `uses println, which writes to the parent's standard error`
	w := bufio.NewWriter(os.Stdout) // want `uses os\.Stdout, which in-process writes to the parent's standard output`
	defer w.Flush()
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		fmt.Fprintln(w, sc.Text())
	}
	if _, err := io.Copy(out, os.Stdin); err != nil { // want `uses os\.Stdin, which in-process reads the parent's standard input`
		return err
	}
	return sc.Err()
}
