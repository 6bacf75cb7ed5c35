// Package lib is a package of the module that the worker calls into.
package lib

import (
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"strings"

	"example.com/ext"
)

// Run ends the process through an unexported helper.
func Run() { // want Run:`^reaches exit: os\.Exit at example\.com/app/lib/lib\.go:20 via lib\.stop$`
	stop(1)
}

func stop(code int) { os.Exit(code) }

// Logf writes with the standard logger.
func Logf(format string, args ...any) { log.Printf(format, args...) } // want Logf:`^reaches logger: log\.Printf at example\.com/app/lib/lib\.go:23$`

// Relay ends the process through another module's package.
func Relay() { ext.Die() } // want Relay:`^reaches exit: os\.Exit at example\.com/ext/ext\.go:9 via ext\.Die, ext\.exit$`

// Mixed reaches three kinds, each by its shortest chain.
func Mixed() { // want Mixed:`^reaches env: os\.Setenv at example\.com/app/lib/lib\.go:31; exit: os\.Exit at example\.com/app/lib/lib\.go:20 via lib\.Run, lib\.stop; logger: log\.Printf at example\.com/app/lib/lib\.go:23 via lib\.Logf; stdio: fmt\.Println at example\.com/app/lib/lib\.go:30$`
	fmt.Println("mixed")
	os.Setenv("MIXED", "1")
	Run()
	Logf("done")
	fmt.Print("again") // a second use of a kind already shown
}

// Pure touches nothing process-wide.
func Pure(s string) string { return strings.ToUpper(s) }

// Write writes to its caller's writer; fmt.Fprintln is of the standard
// library, which carries no facts.
func Write(w io.Writer) { fmt.Fprintln(w, "x") }

// Pin locks the thread, which alone is no hazard.
func Pin() { runtime.LockOSThread() }
