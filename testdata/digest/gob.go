package main

import (
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// gobRequest and gobReply are what the orchestrator and a gob worker
// exchange: one reply per request, in order.
type gobRequest struct {
	ID   int
	Body string
	Work int
}

type gobReply struct {
	ID     int
	Digest uint64
	BusyNS int64 // the worker's own time on the request
}

// serveGob is the body of a gob worker: it answers requests until r ends.
func serveGob(r io.Reader, w io.Writer) error {
	dec, enc := gob.NewDecoder(r), gob.NewEncoder(w)
	for {
		var req gobRequest
		if err := dec.Decode(&req); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("read request: %w", err)
		}
		start := time.Now()
		d := checksum(req.Body, req.Work)
		if err := enc.Encode(gobReply{ID: req.ID, Digest: d, BusyNS: time.Since(start).Nanoseconds()}); err != nil {
			return fmt.Errorf("write reply %d: %w", req.ID, err)
		}
	}
}

// runGobWorker starts one gob worker and feeds it documents from docs
// until the channel is closed or ctx ends, reporting each digest to out.
func runGobWorker(ctx context.Context, exe string, docs <-chan doc, out chan<- digested, m *meter) error {
	setup := time.Now()
	cmd := exec.CommandContext(ctx, exe, gobRole)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start gob worker: %w", err)
	}
	enc, dec := gob.NewEncoder(stdin), gob.NewDecoder(stdout)
	first := true
	var failed error
	for d := range docs {
		sent := time.Now()
		if err := enc.Encode(gobRequest{ID: d.ID, Body: d.Body, Work: d.Work}); err != nil {
			failed = fmt.Errorf("send document %d: %w", d.ID, err)
			break
		}
		var rep gobReply
		if err := dec.Decode(&rep); err != nil {
			failed = fmt.Errorf("receive digest of document %d: %w", d.ID, err)
			break
		}
		busy := time.Duration(rep.BusyNS)
		if first {
			m.start(time.Since(setup) - busy)
			first = false
		}
		m.trip(time.Since(sent) - busy)
		out <- digested{kind: d.Kind, digest: rep.Digest}
	}
	// Closing stdin tells the worker there is no more work.
	stdin.Close()
	if err := cmd.Wait(); err != nil && failed == nil {
		failed = fmt.Errorf("gob worker: %w", err)
	}
	if failed != nil && ctx.Err() != nil {
		return errors.Join(ctx.Err(), failed)
	}
	return failed
}
