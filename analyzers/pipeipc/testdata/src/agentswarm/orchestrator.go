package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// taskKinds are the kinds of task the orchestrator generates, in the order in
// which they are assigned to task indexes.
var taskKinds = [...]string{"alpha", "beta", "gamma", "delta"}

// newTask returns task number i of a run. It is a pure function of i and cfg,
// which is what makes the summary reproducible.
func newTask(i int, cfg config) task {
	kind := taskKinds[i%len(taskKinds)]
	return task{
		ID:      i,
		Kind:    kind,
		Payload: fmt.Sprintf("%s-%05d-%x", kind, i, i*i+7),
		Work:    cfg.work,
		WaitNS:  cfg.wait.Nanoseconds(),
	}
}

// kindTotal aggregates the results of one kind of task.
type kindTotal struct {
	count int
	// checksum is the sum (mod 2^64) of the results' Sum fields. Addition is
	// commutative, so the order in which results arrive does not matter.
	checksum uint64
}

// summary is the outcome of a run.
type summary struct {
	tasks int
	kinds map[string]kindTotal
	// perf holds the run's timings. They are not deterministic and are not
	// part of String.
	perf perf
}

// String formats the deterministic part of s, one fact per line, with the
// kinds sorted by name.
func (s summary) String() string {
	names := make([]string, 0, len(s.kinds))
	for name := range s.kinds {
		names = append(names, name)
	}
	sort.Strings(names)

	var b strings.Builder
	fmt.Fprintf(&b, "tasks: %d\n", s.tasks)
	for _, name := range names {
		k := s.kinds[name]
		fmt.Fprintf(&b, "kind %s: count %d checksum %d\n", name, k.count, k.checksum)
	}
	b.WriteString("ok\n")
	return b.String()
}

// perf holds the performance metrics of a run, as printed by -stats.
type perf struct {
	Agents int `json:"agents"`
	Tasks  int `json:"tasks"`
	// WallSeconds is the duration of the whole run, from before the first
	// agent is started until the last one has exited.
	WallSeconds float64 `json:"wall_seconds"`
	// Throughput is Tasks divided by WallSeconds.
	Throughput float64 `json:"throughput_tasks_per_second"`
	// MeanStartLatencyUS is the mean, over agent processes, of the time from
	// just before the process was set up to the receipt of its first result,
	// minus the time the agent itself reported being busy with that task.
	MeanStartLatencyUS float64 `json:"mean_start_latency_us"`
	// MeanRoundTripUS is the mean, over tasks, of the time from sending the
	// task to receiving its result, minus the agent-reported busy time.
	MeanRoundTripUS float64 `json:"mean_round_trip_us"`
}

// swarmMetrics accumulates timings from all agent goroutines of the running
// orchestration. It is written concurrently, hence the atomic counters.
//
// It is process-wide because runAgent, which measures, has no other channel
// to report through; orchestrate resets it, so orchestrations must not
// overlap in one process.
var swarmMetrics metrics

// metrics is a set of concurrently updated sums and counts.
type metrics struct {
	starts    atomic.Int64 // agent processes that produced a first result
	startNS   atomic.Int64 // sum of their start latencies
	trips     atomic.Int64 // completed task round trips
	roundTrip atomic.Int64 // sum of their round-trip overheads, in ns
}

// reset zeroes all counters.
func (m *metrics) reset() {
	m.starts.Store(0)
	m.startNS.Store(0)
	m.trips.Store(0)
	m.roundTrip.Store(0)
}

// recordStart records the start latency of one agent process.
func (m *metrics) recordStart(d time.Duration) {
	m.starts.Add(1)
	m.startNS.Add(d.Nanoseconds())
}

// recordTrip records the round-trip overhead of one task.
func (m *metrics) recordTrip(d time.Duration) {
	m.trips.Add(1)
	m.roundTrip.Add(d.Nanoseconds())
}

// meanMicros returns sum/n nanoseconds expressed in microseconds, or 0 if n
// is 0.
func meanMicros(sum, n int64) float64 {
	if n == 0 {
		return 0
	}
	return float64(sum) / float64(n) / 1e3
}

// unansweredError is returned by runAgent when the agent broke down while a
// task was outstanding: the task may or may not have been processed, but its
// result never arrived, so somebody must run it again.
type unansweredError struct {
	task task
	err  error
}

func (e *unansweredError) Error() string { return e.err.Error() }
func (e *unansweredError) Unwrap() error { return e.err }

// orchestrate runs cfg.tasks tasks on cfg.agents agent processes and returns
// the aggregated results. It stops at the first unrecoverable error, or when
// ctx is done, and returns an error wrapping the cause.
func orchestrate(ctx context.Context, cfg config) (summary, error) {
	if cfg.agents < 1 {
		return summary{}, fmt.Errorf("orchestrate: need at least one agent, got %d", cfg.agents)
	}
	if cfg.tasks < 0 {
		return summary{}, fmt.Errorf("orchestrate: negative task count %d", cfg.tasks)
	}

	// The agents are this very binary, re-executed in the agent role.
	exe, err := os.Executable()
	if err != nil {
		// Not every platform can report the executable's path. argv[0] is
		// the best remaining guess; exec resolves it through PATH if needed.
		fmt.Fprintf(os.Stderr, "orchestrator: cannot locate own executable (%v); using %q\n", err, os.Args[0])
		exe = os.Args[0]
	}

	// A failing agent cancels the others: the run cannot succeed anyway.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		errOnce  sync.Once
		firstErr error
	)
	fail := func(err error) {
		errOnce.Do(func() {
			firstErr = err
			cancel()
		})
	}

	swarmMetrics.reset()
	start := time.Now()

	// All tasks are queued up front, in a channel with room for every one of
	// them. Since no more than cfg.tasks tasks are ever unanswered, a task
	// handed back for a retry always fits, and re-queuing never blocks. The
	// channel is closed only once every result is in, so it is still open
	// whenever a task needs to be re-queued.
	tasks := make(chan task, cfg.tasks)
	for i := 0; i < cfg.tasks; i++ {
		tasks <- newTask(i, cfg)
	}
	if cfg.tasks == 0 {
		close(tasks)
	}
	results := make(chan result)

	var wg sync.WaitGroup
	for id := 1; id <= cfg.agents; id++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			if err := superviseAgent(ctx, exe, id, tasks, results); err != nil {
				fail(err)
			}
		}(id)
	}

	// Collect results in this goroutine. The summary is only touched here,
	// so it needs no locking.
	sum := summary{tasks: cfg.tasks, kinds: make(map[string]kindTotal)}
	seen := make([]bool, cfg.tasks)
	received := 0
collect:
	for received < cfg.tasks {
		select {
		case r := <-results:
			if err := checkResult(r, seen, cfg); err != nil {
				fail(err)
				break collect
			}
			seen[r.ID] = true
			k := sum.kinds[r.Kind]
			k.count++
			k.checksum += r.Sum
			sum.kinds[r.Kind] = k
			received++
		case <-ctx.Done():
			break collect
		}
	}
	if received == cfg.tasks && cfg.tasks > 0 {
		// Every task is answered, so none can be re-queued any more: it is
		// now safe to close the channel, which tells the agents to finish.
		close(tasks)
	}
	wg.Wait()
	wall := time.Since(start)

	if firstErr != nil {
		return summary{}, firstErr
	}
	if received < cfg.tasks {
		// Only reachable if the caller's context ended without any agent
		// noticing; report it all the same.
		return summary{}, fmt.Errorf("orchestrate: %d of %d tasks done: %w", received, cfg.tasks, context.Cause(ctx))
	}

	sum.perf = perf{
		Agents:             cfg.agents,
		Tasks:              cfg.tasks,
		WallSeconds:        wall.Seconds(),
		MeanStartLatencyUS: meanMicros(swarmMetrics.startNS.Load(), swarmMetrics.starts.Load()),
		MeanRoundTripUS:    meanMicros(swarmMetrics.roundTrip.Load(), swarmMetrics.trips.Load()),
	}
	if wall > 0 {
		sum.perf.Throughput = float64(cfg.tasks) / wall.Seconds()
	}
	return sum, nil
}

// checkResult verifies that r answers a task of this run that has not been
// answered yet, and that it echoes the task's kind.
func checkResult(r result, seen []bool, cfg config) error {
	if r.ID < 0 || r.ID >= len(seen) {
		return fmt.Errorf("agent %d: result for unknown task %d", r.Agent, r.ID)
	}
	if seen[r.ID] {
		return fmt.Errorf("agent %d: duplicate result for task %d", r.Agent, r.ID)
	}
	if want := newTask(r.ID, cfg).Kind; r.Kind != want {
		return fmt.Errorf("agent %d: result for task %d has kind %q, want %q", r.Agent, r.ID, r.Kind, want)
	}
	return nil
}

// superviseAgent runs agent id until the task channel is drained. If the
// agent breaks down with a task outstanding, that task is put back on the
// shared channel and the agent is restarted, once.
func superviseAgent(ctx context.Context, exe string, id int, tasks chan task, results chan<- result) error {
	err := runAgent(ctx, exe, id, tasks, results)
	if err == nil || ctx.Err() != nil {
		// Success, or the run is being torn down: nothing to retry.
		return err
	}
	var lost *unansweredError
	if !errors.As(err, &lost) {
		// The agent did not die in the middle of the work (it failed to
		// start, or failed on exit after all its tasks were answered), so a
		// restart would not help.
		return err
	}

	fmt.Fprintf(os.Stderr, "orchestrator: %v; re-queuing task %d and restarting agent %d\n", err, lost.task.ID, id)
	// The channel has room for every unanswered task (see orchestrate), so
	// this does not block in practice; the select is belt and braces.
	select {
	case tasks <- lost.task:
	case <-ctx.Done():
		return fmt.Errorf("agent %d: re-queue task %d: %w", id, lost.task.ID, ctx.Err())
	}
	if err := runAgent(ctx, exe, id, tasks, results); err != nil {
		return fmt.Errorf("after restart: %w", err)
	}
	return nil
}

// runAgent starts one agent process and feeds it tasks from the channel, one
// at a time, forwarding each result to results. When tasks is closed it
// closes the agent's stdin, waits for the agent to exit and returns nil. It
// returns an *unansweredError if the agent breaks down with a task
// outstanding, and an error wrapping ctx.Err() if ctx ends first (the context
// also kills the agent process).
func runAgent(ctx context.Context, exe string, id int, tasks <-chan task, results chan<- result) error {
	// The start latency clock starts before the command is even set up, so
	// it covers fork/exec, the child's runtime start-up and its first task.
	spawned := time.Now()
	cmd := exec.CommandContext(ctx, exe, agentRole, "-id", strconv.Itoa(id))
	stdin, err := cmd.StdinPipe() // want `stdin pipe of worker "agent" carries task values encoded with json\.Encoder`
	if err != nil {
		return fmt.Errorf("agent %d: stdin pipe: %w", id, err)
	}
	stdout, err := cmd.StdoutPipe() // want `stdout pipe of worker "agent" carries result values decoded with json\.Decoder`
	if err != nil {
		return fmt.Errorf("agent %d: stdout pipe: %w", id, err)
	}
	stderr, err := cmd.StderrPipe() // want `stderr pipe of worker "agent" carries lines split by scanLogLines read with bufio\.Scanner`
	if err != nil {
		return fmt.Errorf("agent %d: stderr pipe: %w", id, err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("agent %d: start: %w", id, err)
	}

	// Drain the agent's stderr so it never blocks on a full pipe; its log lines are
	// forwarded to our own stderr with the agent's id.
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		sc := bufio.NewScanner(stderr)
		// Split over-long lines instead of letting the scanner stop with
		// bufio.ErrTooLong, which would leave the pipe undrained.
		sc.Split(scanLogLines)
		for sc.Scan() {
			fmt.Fprintf(os.Stderr, "[agent %d] %s\n", id, sc.Text())
		}
		if err := sc.Err(); err != nil {
			fmt.Fprintf(os.Stderr, "[agent %d] reading log: %v\n", id, err)
		}
	}()

	enc := json.NewEncoder(stdin)
	dec := json.NewDecoder(stdout)

	// halt tears the agent down on an error path. Closing stdin lets a
	// healthy agent exit on EOF, and the context kills one that is stuck
	// once it ends. The close error is ignored: the agent is going away
	// regardless, and Wait reports how it ended. Stderr must be drained
	// before Wait, which closes the pipe.
	halt := func() error {
		_ = stdin.Close()
		<-drained
		return cmd.Wait()
	}
	// cancelled stops the agent because ctx is done.
	cancelled := func() error {
		waitErr := halt()
		return fmt.Errorf("agent %d: %w", id, withExit(ctx.Err(), waitErr))
	}
	// broken stops the agent after the exchange for task t failed in op.
	broken := func(t task, op string, err error) error {
		waitErr := halt()
		if ctx.Err() != nil {
			// A dying context kills the agent, which then breaks the pipe:
			// the context, not the pipe, is the cause to report.
			return fmt.Errorf("agent %d: %w (%s task %d: %w)", id, ctx.Err(), op, t.ID, withExit(err, waitErr))
		}
		return &unansweredError{
			task: t,
			err:  fmt.Errorf("agent %d: %s task %d: %w", id, op, t.ID, withExit(err, waitErr)),
		}
	}

	first := true
	for {
		var (
			t  task
			ok bool
		)
		select {
		case <-ctx.Done():
			return cancelled()
		case t, ok = <-tasks:
		}
		if !ok {
			// No more tasks.
			break
		}

		sent := time.Now()
		if err := enc.Encode(t); err != nil {
			return broken(t, "send", err)
		}
		var r result
		if err := dec.Decode(&r); err != nil {
			return broken(t, "receive result of", err)
		}
		received := time.Now()
		if r.ID != t.ID {
			return broken(t, "answer", fmt.Errorf("agent answered task %d instead", r.ID))
		}

		// Subtract the agent's own busy time so that the metrics show the
		// overhead of process start-up and of the pipe protocol.
		busy := time.Duration(r.BusyNS)
		swarmMetrics.recordTrip(received.Sub(sent) - busy)
		if first {
			swarmMetrics.recordStart(received.Sub(spawned) - busy)
			first = false
		}

		select {
		case results <- r:
		case <-ctx.Done():
			return cancelled()
		}
	}

	// Closing stdin is how the agent learns that the work is over.
	closeErr := stdin.Close()
	<-drained
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("agent %d: %w", id, err)
	}
	if closeErr != nil {
		return fmt.Errorf("agent %d: close stdin: %w", id, closeErr)
	}
	return nil
}

// withExit adds the agent's exit status, if it has one, to err.
func withExit(err, waitErr error) error {
	if waitErr == nil {
		return err
	}
	return fmt.Errorf("%w (exit: %w)", err, waitErr)
}

// maxLogLine is the longest chunk of an agent's stderr forwarded as one line.
const maxLogLine = 16 << 10

// scanLogLines is a bufio.SplitFunc like bufio.ScanLines, except that it
// breaks a line longer than maxLogLine into chunks instead of failing with
// bufio.ErrTooLong.
func scanLogLines(data []byte, atEOF bool) (advance int, token []byte, err error) {
	advance, token, err = bufio.ScanLines(data, atEOF)
	if advance > 0 || token != nil || err != nil {
		return advance, token, err
	}
	if len(data) >= maxLogLine {
		return maxLogLine, data[:maxLogLine], nil
	}
	// Request more data.
	return 0, nil, nil
}
