package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/procmigrate/procmigrate/rewrite"
)

// screen returns the lines a terminal shows after printing s, as far as
// progress needs: "\r" goes back to the start of the line, "\n" to the
// next one, and any other character overwrites the one under the cursor.
// Trailing blanks are dropped, and a blank last line with them.
func screen(s string) []string {
	lines := [][]rune{nil}
	col := 0
	for _, r := range s {
		cur := &lines[len(lines)-1]
		switch r {
		case '\r':
			col = 0
		case '\n':
			lines = append(lines, nil)
			col = 0
		default:
			if col < len(*cur) {
				(*cur)[col] = r
			} else {
				*cur = append(*cur, r)
			}
			col++
		}
	}
	var out []string
	for _, l := range lines {
		out = append(out, strings.TrimRight(string(l), " "))
	}
	if out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// terminalEnv is an environment whose stderr is taken for a terminal.
func terminalEnv(stdout, stderr *bytes.Buffer) *cliEnv {
	return &cliEnv{Stdout: stdout, Stderr: stderr, StderrIsTerminal: func() bool { return true }}
}

func TestProgressOffWithoutTerminal(t *testing.T) {
	for _, isTerminal := range []func() bool{nil, func() bool { return false }} {
		var stderr bytes.Buffer
		env := &cliEnv{Stderr: &stderr, StderrIsTerminal: isTerminal}
		p := env.progress()
		p.printf("loading packages...")
		p.counter("analysing packages", 2)()
		p.done()
		if stderr.Len() > 0 {
			t.Errorf("progress printed %q to a stderr that is not a terminal", stderr.String())
		}
	}
}

func TestProgressRewritesOneLine(t *testing.T) {
	var stdout, stderr bytes.Buffer
	p := terminalEnv(&stdout, &stderr).progress()
	p.printf("loading packages...")
	tick := p.counter("analysing packages", 2)
	tick()
	p.printf("ok")
	p.done()
	p.done() // again: nothing more

	want := "\rloading packages..." +
		"\ranalysing packages 0/2" +
		"\ranalysing packages 1/2" +
		"\rok" + strings.Repeat(" ", len("analysing packages 1/2")-2) +
		"\r  \r"
	if got := stderr.String(); got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
	if got := screen(stderr.String()); len(got) != 0 {
		t.Errorf("screen after done = %q, want it blank", got)
	}
	if stdout.Len() > 0 {
		t.Errorf("progress printed %q to stdout", stdout.String())
	}
}

func TestProgressCounterFromGoroutines(t *testing.T) {
	var stdout, stderr bytes.Buffer
	p := terminalEnv(&stdout, &stderr).progress()
	const n = 50
	tick := p.counter("analysing packages", n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(tick)
	}
	wg.Wait()

	// The counts go up one at a time, whatever the order of the ticks.
	counts := regexp.MustCompile(`\ranalysing packages (\d+)/50`).FindAllStringSubmatch(stderr.String(), -1)
	if len(counts) != n+1 {
		t.Fatalf("%d updates, want %d", len(counts), n+1)
	}
	for i, m := range counts {
		if m[1] != strconv.Itoa(i) {
			t.Fatalf("update %d shows %s", i, m[1])
		}
	}
	p.done()
	if got := screen(stderr.String()); len(got) != 0 {
		t.Errorf("screen after done = %q, want it blank", got)
	}
}

// A stderr that fails turns progress off; the command goes on.
func TestProgressWriteError(t *testing.T) {
	w := &failingWriter{}
	p := &progress{w: w}
	p.printf("loading packages...")
	p.printf("again")
	p.done()
	if w.calls != 1 {
		t.Errorf("%d writes after a failed one, want none", w.calls-1)
	}
}

type failingWriter struct{ calls int }

func (w *failingWriter) Write([]byte) (int, error) {
	w.calls++
	return 0, errors.New("broken terminal")
}

// TestCheckProgress runs check with stdout and stderr on one terminal:
// the progress shows and goes, and the terminal ends up showing what
// check prints without it.
func TestCheckProgress(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"go.mod":       "module example.com/x\n\ngo 1.22\n",
		"main.go":      selfExecSrc,
		"main_test.go": "package main\n\nimport \"testing\"\n\nfunc TestNothing(t *testing.T) {}\n",
	})
	var quiet, tty bytes.Buffer
	if err := runCheck(context.Background(), &quiet, &progress{}, dir, []string{"./..."}, formatText); !errors.Is(err, errFindings) {
		t.Fatalf("check: %v", err)
	}
	env := terminalEnv(&tty, &tty)
	if err := runCheck(context.Background(), &tty, env.progress(), dir, []string{"./..."}, formatText); !errors.Is(err, errFindings) {
		t.Fatalf("check on a terminal: %v", err)
	}

	// The package, its test variant and the test main.
	for _, want := range []string{"\rloading packages...", "\ranalysing packages 0/3", "\ranalysing packages 3/3"} {
		if !strings.Contains(tty.String(), want) {
			t.Errorf("terminal got %q, without %q", tty.String(), want)
		}
	}
	if got, want := screen(tty.String()), screen(quiet.String()); !slices.Equal(got, want) {
		t.Errorf("terminal shows:\n%q\nwant:\n%q", got, want)
	}
}

// TestRewriteProgress does the same for rewrite.
func TestRewriteProgress(t *testing.T) {
	dir, res := fakeModule(t)
	run := func(isTerminal bool) string {
		var tty bytes.Buffer
		env := &cliEnv{Stdout: &tty, Stderr: &tty, Dir: dir,
			StderrIsTerminal: func() bool { return isTerminal }}
		env.Rewrite = func(rewrite.Config) (*rewrite.Result, error) {
			if isTerminal && tty.String() != "\rloading and rewriting packages..." {
				t.Errorf("while rewriting, the terminal got %q", tty.String())
			}
			return res, nil
		}
		cmd := newRootCmd(env)
		cmd.SetArgs([]string{"rewrite"})
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		return tty.String()
	}
	plain, term := run(false), run(true)
	if !strings.HasPrefix(term, "\rloading and rewriting packages...") {
		t.Errorf("no progress on a terminal: %q", term)
	}
	if got, want := screen(term), screen(plain); !slices.Equal(got, want) {
		t.Errorf("terminal shows:\n%q\nwant:\n%q", got, want)
	}
}

// TestPlanProgress runs plan, as Markdown and as JSON, with stdout and
// stderr on one terminal: the progress of each step shows while the step
// runs, and the terminal ends up showing the plan printed without it.
// With stdout and stderr apart, JSON output gets none of the progress.
func TestPlanProgress(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"go.mod":       "module example.com/x\n\ngo 1.22\n",
		"main.go":      selfExecSrc,
		"main_test.go": "package main\n\nimport \"testing\"\n\nfunc TestNothing(t *testing.T) {}\n",
	})
	run := func(stdout, stderr *bytes.Buffer, isTerminal bool, args ...string) {
		t.Helper()
		env := &cliEnv{Stdout: stdout, Stderr: stderr, Dir: dir,
			StderrIsTerminal: func() bool { return isTerminal }}
		env.Rewrite = func(cfg rewrite.Config) (*rewrite.Result, error) {
			last := stderr.String()[strings.LastIndexByte(stderr.String(), '\r')+1:]
			if isTerminal && last != "loading and rewriting packages..." {
				t.Errorf("while rewriting, the terminal shows %q", last)
			}
			return rewrite.Run(cfg)
		}
		cmd := newRootCmd(env)
		cmd.SetArgs(append([]string{"plan"}, args...))
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{nil, {"--json"}} {
		var plain, tty bytes.Buffer
		run(&plain, &plain, false, args...)
		run(&tty, &tty, true, args...)

		// The package, its test variant and the test main.
		for _, want := range []string{"\rloading packages...", "\ranalysing packages 0/3", "\ranalysing packages 3/3", "\rloading and rewriting packages..."} {
			if !strings.Contains(tty.String(), want) {
				t.Errorf("plan %q: terminal got %q, without %q", args, tty.String(), want)
			}
		}
		if strings.Contains(plain.String(), "\r") {
			t.Errorf("plan %q: progress without a terminal: %q", args, plain.String())
		}
		if got, want := screen(tty.String()), screen(plain.String()); !slices.Equal(got, want) {
			t.Errorf("plan %q: terminal shows:\n%q\nwant:\n%q", args, got, want)
		}
	}

	// JSON on stdout stays JSON while stderr is a terminal.
	var stdout, stderr bytes.Buffer
	run(&stdout, &stderr, true, "--json")
	if !json.Valid(stdout.Bytes()) || strings.Contains(stdout.String(), "\r") {
		t.Errorf("plan --json printed to stdout:\n%q", stdout.String())
	}
	if got := screen(stderr.String()); len(got) != 0 || !strings.Contains(stderr.String(), "analysing packages") {
		t.Errorf("stderr %q, want progress that ends blank", stderr.String())
	}
}
