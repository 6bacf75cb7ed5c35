package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"sort"
	"strings"
	"time"
)

// tally counts the tasks handled by this agent process, by kind.
//
// Each agent is its own process, so the map is only ever used by a single
// goroutine (the one running serveAgent) and needs no locking.
var tally = map[string]int{}

// serveAgent is the body of an agent process. It reads tasks as JSON lines
// from in, answers each with one JSON result line on out, and returns nil
// when in reaches end of file. Diagnostics go to logw.
//
// serveAgent touches no process-wide state other than tally: it talks only
// to its parameters, never to os.Stdin, os.Stdout, os.Stderr, os.Args or the
// global flag set, and it reports failure by returning an error instead of
// exiting.
func serveAgent(args []string, in io.Reader, out, logw io.Writer) error {
	// A private flag set, so that parsing the agent's arguments does not
	// depend on (or disturb) the orchestrator's command line.
	fs := flag.NewFlagSet("agent", flag.ContinueOnError)
	fs.SetOutput(logw)
	id := fs.Int("id", 0, "agent id, echoed in every result")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("parse arguments: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	handled, err := prepareAgent(*id)
	if err != nil {
		return fmt.Errorf("agent %d: %w", *id, err)
	}

	dec := json.NewDecoder(in)
	enc := json.NewEncoder(out)
	for {
		var t task
		// A clean end of file is the orchestrator's signal that there is no
		// more work; anything else (including a truncated message) is an error.
		if err := dec.Decode(&t); err == io.EOF {
			break
		} else if err != nil {
			return fmt.Errorf("agent %d: read task: %w", *id, err)
		}

		// Busy time is measured here, on the agent's side, so that the
		// orchestrator can subtract it from what it observes and see the
		// pure transport and scheduling overhead.
		start := time.Now()
		sum := handle(t)
		handled.Add(1)
		busy := time.Since(start)

		r := result{ID: t.ID, Agent: *id, Kind: t.Kind, Sum: sum, BusyNS: busy.Nanoseconds()}
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("agent %d: write result for task %d: %w", *id, t.ID, err)
		}
	}

	if _, err := fmt.Fprintf(logw, "agent %d: handled %d tasks (%s)\n", *id, tallyTotal(), tallyString()); err != nil {
		return fmt.Errorf("agent %d: write log: %w", *id, err)
	}
	return nil
}

// handle performs one task: the CPU-bound hashing, then the simulated wait.
// It records the task in tally and returns the task's checksum.
func handle(t task) uint64 {
	if t.Work < 0 {
		log.Printf("task %d: negative work %d counts as none", t.ID, t.Work) // want `worker code for role "agent" uses log\.Printf, which writes to the parent's standard error, not the worker's; migrate rewrite hands the worker a standard logger of its own, which writes where the child's did`
	}
	sum := checksum(t.Payload, t.Work)
	// A non-positive wait means no wait; time.Sleep already treats it so.
	time.Sleep(time.Duration(t.WaitNS))
	tally[t.Kind]++
	return sum
}

// checksum is the pure, deterministic part of a task: an FNV-1a hash of
// payload, followed by work further rounds that each fold the payload in
// again and scramble the state with an xorshift step. It depends only on its
// arguments, so the orchestrator's summary can be checked against a direct
// computation. A negative work counts as zero.
func checksum(payload string, work int) uint64 {
	h := fnv1a(fnvOffset, payload)
	for round := 0; round < work; round++ {
		h = fnv1a(h, payload)
		// The xorshift step mixes the round state so that later rounds are
		// not a simple function of the earlier ones. It is a bijection, so
		// distinct states stay distinct and the chain cannot collapse.
		h ^= h << 13
		h ^= h >> 7
		h ^= h << 17
	}
	return h
}

// Parameters of the 64-bit FNV-1a hash.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fnv1a continues a 64-bit FNV-1a hash from state h over the bytes of s.
func fnv1a(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// tallyTotal returns the number of tasks this agent process has handled.
func tallyTotal() int {
	n := 0
	for _, c := range tally {
		n += c
	}
	return n
}

// tallyString formats tally as "kind=count" pairs sorted by kind, or "none"
// if no task has been handled.
func tallyString() string {
	if len(tally) == 0 {
		return "none"
	}
	kinds := make([]string, 0, len(tally))
	for k := range tally {
		kinds = append(kinds, k)
	}
	// Map iteration order is random; sort so that the log line is stable.
	sort.Strings(kinds)
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s=%d", k, tally[k])
	}
	return strings.Join(parts, " ")
}
