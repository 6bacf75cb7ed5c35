// Command agentswarm is a small process-based multi-agent program.
//
// A single binary plays two roles. Started normally it is the orchestrator:
// it generates a deterministic batch of tasks, re-executes itself N times in
// the agent role, feeds the tasks to those agent processes over their stdin
// and collects the results from their stdout. Started with the first
// argument "agent" it is one such agent: it serves tasks until its stdin is
// closed and then exits.
//
// The summary printed on stdout depends only on the task inputs, never on
// scheduling or on the number of agents, so runs can be compared byte for
// byte. Timing figures are printed to stderr, and only with -stats.
//
// Usage:
//
//	agentswarm [-agents 8] [-tasks 200] [-timeout 30s] [-work 2000] [-wait 200µs] [-stats]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"
)

// agentRole is the first command-line argument that makes the binary act as
// an agent rather than as the orchestrator.
const agentRole = "agent"

// config describes one orchestrated run.
type config struct {
	// agents is the number of agent processes to start.
	agents int
	// tasks is the number of tasks to generate and hand out.
	tasks int
	// work is the number of CPU hashing rounds per task.
	work int
	// wait is the simulated (I/O-like) wait per task.
	wait time.Duration
}

func main() {
	// When re-executed as an agent, serve tasks on stdin/stdout and exit.
	// This check must come before anything else touches the command line:
	// the agent's arguments are not the orchestrator's flags.
	if len(os.Args) > 1 && os.Args[1] == agentRole {
		if err := serveAgent(os.Args[2:], os.Stdin, os.Stdout, os.Stderr); err != nil { // want `worker "agent" reads task values from stdin with json\.Decoder in serveAgent` `worker "agent" writes result values to stdout with json\.Encoder in serveAgent` `worker "agent" writes lines to stderr with fmt\.Fprintf in serveAgent`
			fmt.Fprintf(os.Stderr, "agent: %v\n", err)
			os.Exit(1)
		}
		return
	}

	// Orchestrator mode.
	agents := flag.Int("agents", 8, "number of agent processes to start")
	tasks := flag.Int("tasks", 200, "number of tasks to run")
	timeout := flag.Duration("timeout", 30*time.Second, "give up if the whole run takes longer than this")
	work := flag.Int("work", 2000, "CPU work iterations per task")
	wait := flag.Duration("wait", 200*time.Microsecond, "simulated wait per task")
	stats := flag.Bool("stats", false, "print performance metrics as one JSON line to stderr")
	flag.Parse()

	// Reject nonsense up front, with exit status 2 like any other usage error.
	if flag.NArg() > 0 {
		usageError("unexpected arguments: %q", flag.Args())
	}
	switch {
	case *agents < 1:
		usageError("-agents must be at least 1, got %d", *agents)
	case *tasks < 0:
		usageError("-tasks must not be negative, got %d", *tasks)
	case *work < 0:
		usageError("-work must not be negative, got %d", *work)
	case *wait < 0:
		usageError("-wait must not be negative, got %v", *wait)
	case *timeout <= 0:
		usageError("-timeout must be positive, got %v", *timeout)
	}
	cfg := config{agents: *agents, tasks: *tasks, work: *work, wait: *wait}

	// The deadline bounds the whole run; orchestrate passes it down to every
	// agent process, which is killed if it is still running when it expires.
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	sum, err := orchestrate(ctx, cfg)
	// Release the timer now: os.Exit below would skip a deferred cancel.
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "agentswarm: %v\n", err)
		os.Exit(1)
	}

	// Stdout carries the deterministic summary and nothing else.
	if _, err := fmt.Print(sum.String()); err != nil {
		fmt.Fprintf(os.Stderr, "agentswarm: write summary: %v\n", err)
		os.Exit(1)
	}

	if *stats {
		// Timings vary from run to run, so they go to stderr, as one JSON
		// line that is easy to collect and compare.
		line, err := json.Marshal(sum.perf)
		if err != nil {
			fmt.Fprintf(os.Stderr, "agentswarm: encode stats: %v\n", err)
			os.Exit(1)
		}
		if _, err := fmt.Fprintf(os.Stderr, "%s\n", line); err != nil {
			// Nowhere left to report a failure to write to stderr.
			os.Exit(1)
		}
	}
}

// usageError reports a command-line mistake, prints the usage text and exits
// with status 2, as the flag package does for flags it cannot parse.
func usageError(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "agentswarm: "+format+"\n", args...)
	flag.Usage()
	os.Exit(2)
}
