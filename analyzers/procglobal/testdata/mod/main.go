// Command app runs an agent that calls into packages whose functions use
// process-global state: the calls are reported, from facts.
package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"

	"example.com/app/lib"
	"example.com/ext"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "agent" {
		agent()
		return
	}

	// The orchestrator calls the same functions: not reported.
	lib.Logf("starting")
	cmd := exec.Command(os.Args[0], "agent")
	if _, err := cmd.StdoutPipe(); err != nil {
		lib.Run()
	}
	if err := cmd.Run(); err != nil {
		ext.Die()
	}
}

func agent() {
	lib.Run()        // want `^worker code for role "agent" calls lib\.Run, which calls lib\.stop, which uses os\.Exit at example\.com/app/lib/lib\.go:20; os\.Exit in-process ends the parent and every worker; migrate rewrite leaves the site unchanged$`
	lib.Logf("x")    // want `^worker code for role "agent" calls lib\.Logf, which uses log\.Printf at example\.com/app/lib/lib\.go:23; log\.Printf writes to the parent's standard error, not the worker's; migrate rewrite leaves the site unchanged$`
	ext.Die()        // want `^worker code for role "agent" calls ext\.Die, which calls ext\.exit, which uses os\.Exit at example\.com/ext/ext\.go:9; os\.Exit in-process ends the parent and every worker; migrate rewrite does not follow calls out of the module, so it does not stop for this$`
	lib.Relay()      // want `calls lib\.Relay, which calls ext\.Die, which calls ext\.exit, which uses os\.Exit at example\.com/ext/ext\.go:9; .*; migrate rewrite does not follow calls out of the module`
	var s lib.Server // a method: one report for each kind its fact holds
	s.Serve()        // want `calls \(\*lib\.Server\)\.Serve, which uses signal\.Notify at .*; migrate rewrite leaves the site unchanged` `calls \(\*lib\.Server\)\.Serve, which calls lib\.announce, which uses fmt\.Println at example\.com/app/lib/server\.go:19`
	_ = s.Addr()
	run := lib.Mixed // want `calls lib\.Mixed, which uses os\.Setenv` `calls lib\.Mixed, which calls lib\.Run, which calls lib\.stop, which uses os\.Exit` `calls lib\.Mixed, which calls lib\.Logf, which uses log\.Printf` `calls lib\.Mixed, which uses fmt\.Println`
	run()            // the value was reported where it was taken

	// Nothing process-wide, the standard library's own functions are
	// reported from the table only, and LockOSThread is harmless alone.
	_ = lib.Pure("x")
	lib.Write(io.Discard)
	lib.Pin()
	fmt.Println("direct") // want `^worker code for role "agent" uses fmt\.Println, which writes to the parent's standard output; migrate rewrite hands the worker its own standard streams$`
}
