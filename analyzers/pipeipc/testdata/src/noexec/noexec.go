// Package main has subcommands but does not import os/exec, so it spawns
// nothing: nothing is reported.
package main

import (
	"io"
	"os"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "agent" {
		serve(os.Stdin, os.Stdout)
	}
}

func serve(r io.Reader, w io.Writer) { io.Copy(w, r) }
