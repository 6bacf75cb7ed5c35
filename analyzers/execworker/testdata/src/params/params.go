// Package main passes the binary's path down to the function that spawns
// the worker, through a supervisor.
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
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	ctx := context.Background()
	for i := 0; i < 4; i++ {
		go supervise(ctx, exe)
	}
	runTool(ctx, "gofmt")
}

func supervise(ctx context.Context, exe string) {
	for start(ctx, exe) != nil {
	}
}

func start(ctx context.Context, bin string) error {
	return exec.CommandContext(ctx, bin, "agent").Run() // want `worker spawned with exec\.CommandContext re-executes this binary \(os\.Executable\(\)\) as role "agent" served by serve; a candidate to run as a goroutine`
}

// runTool is called with another program, so its spawn is no worker.
func runTool(ctx context.Context, bin string) error {
	return exec.CommandContext(ctx, bin, "-l", ".").Run()
}

func serve() {}
