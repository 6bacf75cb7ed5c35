// Command cgoworker normalizes log records on worker processes whose code
// calls into C.
//
// A single binary plays two roles. Started normally it is the
// orchestrator: it generates a deterministic batch of log records,
// re-executes itself N times in the worker role, hands the records to the
// workers as JSON lines over their stdin and collects the normalized
// records from their stdout. Started with the first argument "worker" it
// is one such worker.
//
// The workers split each record with C's strtok, format its time with
// gmtime and render its fields with a C helper that formats into a static
// buffer: all fine while each worker is a process of its own, with the C
// library to itself.
//
// The output on stdout depends only on the records, never on the number of
// workers or on scheduling; per-worker statistics go to stderr, and with
// -stats the run's timings follow them as one JSON line.
//
// Usage:
//
//	cgoworker [-workers 4] [-records 200] [-timeout 30s] [-stats]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"
)

// workerRole is the first command-line argument that makes the binary act
// as a worker rather than as the orchestrator.
const workerRole = "worker"

func main() {
	// A worker serves records on stdin and stdout until stdin is closed.
	if len(os.Args) > 1 && os.Args[1] == workerRole {
		if err := serveWorker(os.Stdin, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintf(os.Stderr, "worker: %v\n", err)
			os.Exit(1)
		}
		return
	}

	workers := flag.Int("workers", 4, "number of worker processes to start")
	records := flag.Int("records", 200, "number of log records to normalize")
	timeout := flag.Duration("timeout", 30*time.Second, "give up if the run takes longer than this")
	stats := flag.Bool("stats", false, "print timings as one JSON line to stderr")
	flag.Parse()
	switch {
	case flag.NArg() > 0:
		usageError("unexpected arguments: %q", flag.Args())
	case *workers < 1:
		usageError("-workers must be at least 1, got %d", *workers)
	case *records < 0:
		usageError("-records must not be negative, got %d", *records)
	case *timeout <= 0:
		usageError("-timeout must be positive, got %v", *timeout)
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	out, timings, err := orchestrate(ctx, *workers, generate(*records))
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "cgoworker: %v\n", err)
		os.Exit(1)
	}
	for _, r := range out {
		if _, err := fmt.Printf("%d %s %s\n", r.ID, r.Date, r.Fields); err != nil {
			fmt.Fprintf(os.Stderr, "cgoworker: write output: %v\n", err)
			os.Exit(1)
		}
	}
	if *stats {
		line, err := json.Marshal(timings)
		if err != nil {
			fmt.Fprintf(os.Stderr, "cgoworker: encode stats: %v\n", err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "%s\n", line)
	}
}

// usageError reports a command-line mistake and exits with status 2, as
// the flag package does for flags it cannot parse.
func usageError(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "cgoworker: "+format+"\n", args...)
	flag.Usage()
	os.Exit(2)
}
