// Command digest checksums a deterministic batch of documents on worker
// processes, each kind of worker speaking its own protocol.
//
// A single binary plays every role. Started normally it is the
// orchestrator: it generates the documents, re-executes itself as workers
// and collects their digests. Started with a role as its first argument it
// is one worker of that role:
//
//	gob     a long-lived worker that reads request values and writes
//	        reply values with encoding/gob over its stdin and stdout
//	lines   a long-lived worker that reads one request per line and
//	        answers with one line, tab-separated text
//	once    a worker that digests the one document on its stdin, prints
//	        the digest and exits: one process per document
//
// The -shape flag picks which kind of worker the run uses. The summary on
// stdout depends only on the documents, never on the shape, the number of
// workers or scheduling. Timing figures go to stderr, and only with
// -stats.
//
// Usage:
//
//	digest [-shape gob|lines|once] [-workers 4] [-docs 100] [-work 50] [-timeout 30s] [-stats]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"
)

// The roles, as the first argument of a worker process.
const (
	gobRole   = "gob"
	linesRole = "lines"
	onceRole  = "once"
)

func main() {
	// Workers first: their arguments are not the orchestrator's flags.
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case gobRole:
			if err := serveGob(os.Stdin, os.Stdout); err != nil {
				fmt.Fprintf(os.Stderr, "gob worker: %v\n", err)
				os.Exit(1)
			}
			return
		case linesRole:
			if err := serveLines(os.Stdin, os.Stdout); err != nil {
				fmt.Fprintf(os.Stderr, "lines worker: %v\n", err)
				os.Exit(1)
			}
			return
		case onceRole:
			if err := digestOnce(os.Args[2:], os.Stdin, os.Stdout); err != nil {
				fmt.Fprintf(os.Stderr, "once worker: %v\n", err)
				os.Exit(1)
			}
			return
		}
	}

	shape := flag.String("shape", gobRole, "kind of worker: gob, lines or once")
	workers := flag.Int("workers", 4, "number of worker processes to run at a time")
	docs := flag.Int("docs", 100, "number of documents to digest")
	work := flag.Int("work", 50, "hashing rounds per document")
	timeout := flag.Duration("timeout", 30*time.Second, "give up if the run takes longer than this")
	stats := flag.Bool("stats", false, "print timings as one JSON line to stderr")
	flag.Parse()
	switch {
	case flag.NArg() > 0:
		usageError("unexpected arguments: %q", flag.Args())
	case *shape != gobRole && *shape != linesRole && *shape != onceRole:
		usageError("-shape must be gob, lines or once, got %q", *shape)
	case *workers < 1:
		usageError("-workers must be at least 1, got %d", *workers)
	case *docs < 0:
		usageError("-docs must not be negative, got %d", *docs)
	case *work < 0:
		usageError("-work must not be negative, got %d", *work)
	case *timeout <= 0:
		usageError("-timeout must be positive, got %v", *timeout)
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	sum, perf, err := run(ctx, *shape, *workers, generate(*docs, *work))
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "digest: %v\n", err)
		os.Exit(1)
	}
	if _, err := fmt.Print(sum); err != nil {
		fmt.Fprintf(os.Stderr, "digest: write summary: %v\n", err)
		os.Exit(1)
	}
	if *stats {
		line, err := json.Marshal(perf)
		if err != nil {
			fmt.Fprintf(os.Stderr, "digest: encode stats: %v\n", err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "%s\n", line)
	}
}

// usageError reports a command-line mistake and exits with status 2, as
// the flag package does for flags it cannot parse.
func usageError(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "digest: "+format+"\n", args...)
	flag.Usage()
	os.Exit(2)
}
