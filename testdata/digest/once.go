package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// digestOnce is the body of a once worker: it digests the whole of r,
// hashed -work rounds, prints "DIGEST BUSY_NS" and returns.
func digestOnce(args []string, r io.Reader, w io.Writer) error {
	fs := flag.NewFlagSet("once", flag.ContinueOnError)
	work := fs.Int("work", 0, "hashing rounds")
	if err := fs.Parse(args); err != nil {
		return err
	}
	body, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read document: %w", err)
	}
	start := time.Now()
	d := checksum(string(body), *work)
	_, err = fmt.Fprintf(w, "%d %d\n", d, time.Since(start).Nanoseconds())
	return err
}

// runOnce digests one document in a worker process of its own.
func runOnce(ctx context.Context, exe string, d doc, m *meter) (uint64, error) {
	started := time.Now()
	cmd := exec.CommandContext(ctx, exe, onceRole, "-work", strconv.Itoa(d.Work))
	cmd.Stdin = strings.NewReader(d.Body)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return 0, errors.Join(ctx.Err(), err)
		}
		return 0, fmt.Errorf("document %d: %w: %s", d.ID, err, strings.TrimSpace(stderr.String()))
	}
	var digest uint64
	var busy int64
	if _, err := fmt.Sscan(string(out), &digest, &busy); err != nil {
		return 0, fmt.Errorf("document %d: bad output %q: %w", d.ID, out, err)
	}
	// The worker's whole life is one round trip.
	overhead := time.Since(started) - time.Duration(busy)
	m.start(overhead)
	m.trip(overhead)
	return digest, nil
}
