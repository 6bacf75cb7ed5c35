package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"time"
)

// orchestrate normalizes recs on n worker processes and returns the
// results in the order of recs, with the timings of the run. It stops at
// the first error of a worker, or when ctx is done, and returns the cause.
func orchestrate(ctx context.Context, n int, recs []record) ([]normalized, perf, error) {
	began := time.Now()

	// The workers are this very binary, re-executed in the worker role.
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "cgoworker: cannot locate own executable (%v); using %q\n", err, os.Args[0])
		exe = os.Args[0]
	}

	// A failing worker cancels the others: the run cannot succeed anyway.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	jobs := make(chan record)
	results := make(chan normalized)
	var (
		wg sync.WaitGroup
		m  meter
	)
	for id := 1; id <= n; id++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			if err := runWorker(ctx, exe, id, jobs, results, &m); err != nil {
				cancel(err)
			}
		}(id)
	}
	go func() {
		defer close(jobs)
		for _, r := range recs {
			select {
			case jobs <- r:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()

	// Collect until every worker is done, keeping each record's result in
	// its place so that the output does not depend on scheduling.
	out := make([]normalized, len(recs))
	seen := make([]bool, len(recs))
	got := 0
	for r := range results {
		if r.ID < 0 || r.ID >= len(recs) || seen[r.ID] {
			cancel(fmt.Errorf("unexpected result for record %d", r.ID))
			continue // drain, so that no worker blocks
		}
		seen[r.ID] = true
		out[r.ID] = r
		got++
	}
	if err := context.Cause(ctx); err != nil {
		return nil, perf{}, err
	}
	if got < len(recs) {
		return nil, perf{}, fmt.Errorf("%d of %d records normalized", got, len(recs))
	}
	return out, m.perf(n, got, time.Since(began)), nil
}

// runWorker starts worker id and hands it records from jobs until jobs is
// closed, forwarding each result to results and its timings to m. It
// closes the worker's stdin at the end, which tells the worker to exit,
// and waits for it.
func runWorker(ctx context.Context, exe string, id int, jobs <-chan record, results chan<- normalized, m *meter) error {
	setup := time.Now()
	cmd := exec.CommandContext(ctx, exe, workerRole)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("worker %d: stdin pipe: %w", id, err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("worker %d: stdout pipe: %w", id, err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return fmt.Errorf("worker %d: stderr pipe: %w", id, err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("worker %d: start: %w", id, err)
	}

	// Forward the worker's log lines, marked with its id, and drain its
	// stderr so that it never blocks on a full pipe.
	logged := make(chan struct{})
	go func() {
		defer close(logged)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintf(os.Stderr, "[worker %d] %s\n", id, sc.Text())
		}
	}()

	// Hand the worker one record at a time and forward its answer. The
	// worker's own time on a record is taken out of the timings, which
	// are meant to show what it costs to reach the worker.
	enc := json.NewEncoder(stdin)
	dec := json.NewDecoder(stdout)
	exchange := func() error {
		first := true
		for r := range jobs {
			sent := time.Now()
			if err := enc.Encode(r); err != nil {
				return fmt.Errorf("send record %d: %w", r.ID, err)
			}
			var n normalized
			if err := dec.Decode(&n); err != nil {
				return fmt.Errorf("receive record %d: %w", r.ID, err)
			}
			busy := time.Duration(n.BusyNS)
			if first {
				m.start(time.Since(setup) - busy)
				first = false
			}
			m.trip(time.Since(sent) - busy)
			select {
			case results <- n:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
		return nil
	}

	exchangeErr := exchange()
	closeErr := stdin.Close()
	<-logged // stderr must be drained before Wait closes it
	waitErr := cmd.Wait()
	switch {
	case exchangeErr != nil:
		return fmt.Errorf("worker %d: %w", id, exchangeErr)
	case waitErr != nil:
		return fmt.Errorf("worker %d: %w", id, waitErr)
	case closeErr != nil:
		return fmt.Errorf("worker %d: close stdin: %w", id, closeErr)
	}
	return nil
}
