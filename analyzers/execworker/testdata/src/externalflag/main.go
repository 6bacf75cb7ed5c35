// Command externalflag runs other programs beside one worker. Under
// -execworker.external the other programs are reported too, in category
// external; the test helper-process idiom never is.
package main

import (
	"context"
	"os"
	"os/exec"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "agent" {
		serve()
		return
	}
	exec.Command("git", "status").Run() // want `exec\.Command starts another program, "git", not a worker of this module`
	shell := os.Getenv("SHELL")
	exec.CommandContext(context.Background(), shell, "-c", "true").Run()                     // want `exec\.CommandContext starts another program, shell, not a worker of this module`
	conv := &exec.Cmd{Path: "/usr/bin/convert", Args: []string{"convert", "a.png", "b.jpg"}} // want `an exec\.Cmd literal starts another program, "/usr/bin/convert", not a worker of this module`
	conv.Run()
	if p, err := os.StartProcess("/bin/sync", []string{"sync"}, &os.ProcAttr{}); err == nil { // want `os\.StartProcess starts another program, "/bin/sync", not a worker of this module`
		p.Wait()
	}
	exec.Command(os.Args[0], "agent").Run() // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) as role "agent" served by serve; a candidate to run as a goroutine`
}

func serve() {}
