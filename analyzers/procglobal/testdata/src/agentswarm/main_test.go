package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// crashMarkerEnv names an environment variable that, when set, makes the
// first agent process to produce a result (across all agent processes of
// the test) die instead of sending it. Its value is the path of a marker
// file; whichever agent creates the file first is the one that crashes.
const crashMarkerEnv = "AGENTSWARM_TEST_CRASH_MARKER"

// TestMain makes the test binary usable as an agent. orchestrate re-executes
// os.Executable(), which under "go test" is this test binary rather than the
// agentswarm command, so the agent role is dispatched here exactly as main
// does it; only without the role argument are the tests run.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == agentRole {
		var out io.Writer = os.Stdout
		if marker := os.Getenv(crashMarkerEnv); marker != "" {
			out = &crashingWriter{w: os.Stdout, marker: marker}
		}
		if err := serveAgent(os.Args[2:], os.Stdin, out, os.Stderr); err != nil {
			fmt.Fprintf(os.Stderr, "agent: %v\n", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crashingWriter passes writes through to w, except that on its first write
// it tries to create the marker file and, if it is the first to do so, exits
// the process with a failure status instead of writing. The agent thus dies
// with a task outstanding, just as a crashing worker would.
type crashingWriter struct {
	w       io.Writer
	marker  string
	checked bool
}

func (c *crashingWriter) Write(p []byte) (int, error) {
	if !c.checked {
		c.checked = true
		f, err := os.OpenFile(c.marker, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		switch {
		case err == nil:
			f.Close()
			fmt.Fprintln(os.Stderr, "test: crashing on purpose")
			os.Exit(3)
		case !errors.Is(err, fs.ErrExist):
			return 0, fmt.Errorf("create crash marker: %w", err)
		}
	}
	return c.w.Write(p)
}

// The function wantSummary computes the summary of a run directly, in one goroutine,
// from the task inputs, with its own formatting, as an independent check of
// summary.String.
func wantSummary(cfg config) string {
	counts := map[string]int{}
	sums := map[string]uint64{}
	for i := 0; i < cfg.tasks; i++ {
		t := newTask(i, cfg)
		counts[t.Kind]++
		sums[t.Kind] += checksum(t.Payload, t.Work)
	}
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)

	var b strings.Builder
	fmt.Fprintf(&b, "tasks: %d\n", cfg.tasks)
	for _, k := range kinds {
		fmt.Fprintf(&b, "kind %s: count %d checksum %d\n", k, counts[k], sums[k])
	}
	b.WriteString("ok\n")
	return b.String()
}

func TestSwarm(t *testing.T) {
	for _, agents := range []int{1, 4} {
		t.Run(fmt.Sprintf("agents=%d", agents), func(t *testing.T) {
			cfg := config{agents: agents, tasks: 40, work: 50, wait: 20 * time.Microsecond}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()

			got, err := orchestrate(ctx, cfg)
			if err != nil {
				t.Fatalf("orchestrate: %v", err)
			}
			if want := wantSummary(cfg); got.String() != want {
				t.Errorf("summary:\n%s\nwant:\n%s", got, want)
			}
			if got.perf.Agents != agents || got.perf.Tasks != cfg.tasks {
				t.Errorf("perf = %+v, want %d agents and %d tasks", got.perf, agents, cfg.tasks)
			}
		})
	}
}

func TestSwarmNoTasks(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg := config{agents: 2, tasks: 0}
	got, err := orchestrate(ctx, cfg)
	if err != nil {
		t.Fatalf("orchestrate: %v", err)
	}
	if want := "tasks: 0\nok\n"; got.String() != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
}

// TestSwarmRestartsCrashedAgent kills one agent in the middle of a task and
// checks that the run still completes with the right summary: the agent must
// have been restarted and the task re-queued.
func TestSwarmRestartsCrashedAgent(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "crashed")
	t.Setenv(crashMarkerEnv, marker)

	cfg := config{agents: 3, tasks: 30, work: 50, wait: 20 * time.Microsecond}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	got, err := orchestrate(ctx, cfg)
	if err != nil {
		t.Fatalf("orchestrate: %v", err)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("no agent crashed: %v", err)
	}
	if want := wantSummary(cfg); got.String() != want {
		t.Errorf("summary:\n%s\nwant:\n%s", got, want)
	}
}

func TestSwarmExpiredDeadline(t *testing.T) {
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()

	_, err := orchestrate(ctx, config{agents: 4, tasks: 40, work: 10})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("orchestrate with expired deadline: err = %v, want it to wrap %v", err, context.DeadlineExceeded)
	}
}

// TestSwarmDeadlineMidRun lets the deadline expire while agents are busy and
// checks that orchestrate gives up promptly, with the deadline as the cause.
func TestSwarmDeadlineMidRun(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()

	start := time.Now()
	// 1000 tasks of 10ms on 2 agents would take about 5s.
	_, err := orchestrate(ctx, config{agents: 2, tasks: 1000, work: 10, wait: 10 * time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want it to wrap %v", err, context.DeadlineExceeded)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("orchestrate returned %v after the start, long after its 300ms deadline", elapsed)
	}
}

func TestChecksumDeterministic(t *testing.T) {
	a := checksum("alpha-00001-8", 100)
	if b := checksum("alpha-00001-8", 100); a != b {
		t.Fatalf("checksum is not deterministic: %d != %d", a, b)
	}
	if b := checksum("alpha-00001-9", 100); a == b {
		t.Errorf("different payloads give the same checksum %d", a)
	}
	if b := checksum("alpha-00001-8", 101); a == b {
		t.Errorf("different work gives the same checksum %d", a)
	}
	if checksum("a", 0) == checksum("b", 0) {
		t.Errorf("checksum ignores the payload when work is 0")
	}
}

func TestServeAgent(t *testing.T) {
	in := strings.NewReader(`{"id":7,"kind":"beta","payload":"x","work":3,"wait_ns":0}` + "\n")
	var out, logw strings.Builder
	if err := serveAgent([]string{"-id", "5"}, in, &out, &logw); err != nil {
		t.Fatalf("serveAgent: %v", err)
	}
	want := fmt.Sprintf(`{"id":7,"agent":5,"kind":"beta","sum":%d,"busy_ns":`, checksum("x", 3))
	if !strings.HasPrefix(out.String(), want) {
		t.Errorf("output = %q, want prefix %q", out.String(), want)
	}
	if !strings.HasPrefix(logw.String(), "agent 5: handled ") {
		t.Errorf("log = %q", logw.String())
	}
}

func TestServeAgentBadInput(t *testing.T) {
	var out, logw strings.Builder
	err := serveAgent([]string{"-id", "1"}, strings.NewReader("{not json\n"), &out, &logw)
	if err == nil {
		t.Fatal("serveAgent accepted malformed input")
	}
	if err := serveAgent([]string{"-bogus"}, strings.NewReader(""), &out, &logw); err == nil {
		t.Fatal("serveAgent accepted an unknown flag")
	}
}
