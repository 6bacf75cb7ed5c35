package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// A lines worker speaks tab-separated text, one message a line:
//
//	request: ID \t WORK \t BODY
//	reply:   ID \t DIGEST \t BUSY_NS
//
// Bodies hold no tabs or newlines.

// serveLines is the body of a lines worker: it answers one line with one
// line until r ends.
func serveLines(r io.Reader, w io.Writer) error {
	sc := bufio.NewScanner(r)
	bw := bufio.NewWriter(w)
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), "\t", 3)
		if len(f) != 3 {
			return fmt.Errorf("malformed request %q", sc.Text())
		}
		work, err := strconv.Atoi(f[1])
		if err != nil {
			return fmt.Errorf("request %s: bad work %q", f[0], f[1])
		}
		start := time.Now()
		d := checksum(f[2], work)
		fmt.Fprintf(bw, "%s\t%d\t%d\n", f[0], d, time.Since(start).Nanoseconds())
		// Flush per line: the orchestrator waits for each answer.
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("write reply %s: %w", f[0], err)
		}
	}
	return sc.Err()
}

// runLinesWorker starts one lines worker and feeds it documents from docs
// until the channel is closed or ctx ends, reporting each digest to out.
func runLinesWorker(ctx context.Context, exe string, docs <-chan doc, out chan<- digested, m *meter) error {
	setup := time.Now()
	cmd := exec.CommandContext(ctx, exe, linesRole)
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
		return fmt.Errorf("start lines worker: %w", err)
	}
	replies := bufio.NewScanner(stdout)
	first := true
	var failed error
	for d := range docs {
		sent := time.Now()
		if _, err := fmt.Fprintf(stdin, "%d\t%d\t%s\n", d.ID, d.Work, d.Body); err != nil {
			failed = fmt.Errorf("send document %d: %w", d.ID, err)
			break
		}
		if !replies.Scan() {
			failed = fmt.Errorf("receive digest of document %d: %v", d.ID, orEOF(replies.Err()))
			break
		}
		digest, busy, err := parseLineReply(replies.Text(), d.ID)
		if err != nil {
			failed = err
			break
		}
		if first {
			m.start(time.Since(setup) - busy)
			first = false
		}
		m.trip(time.Since(sent) - busy)
		out <- digested{kind: d.Kind, digest: digest}
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil && failed == nil {
		failed = fmt.Errorf("lines worker: %w", err)
	}
	if failed != nil && ctx.Err() != nil {
		return errors.Join(ctx.Err(), failed)
	}
	return failed
}

// parseLineReply reads the digest and busy time of the reply to document
// id.
func parseLineReply(line string, id int) (uint64, time.Duration, error) {
	f := strings.Split(line, "\t")
	if len(f) != 3 || f[0] != strconv.Itoa(id) {
		return 0, 0, fmt.Errorf("reply %q does not answer document %d", line, id)
	}
	digest, err1 := strconv.ParseUint(f[1], 10, 64)
	busy, err2 := strconv.ParseInt(f[2], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, 0, fmt.Errorf("reply %q: %w", line, err)
	}
	return digest, time.Duration(busy), nil
}

// orEOF names a stream that ended without an error of its own.
func orEOF(err error) error {
	if err == nil {
		return io.ErrUnexpectedEOF
	}
	return err
}
