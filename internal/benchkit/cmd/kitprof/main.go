// Command kitprof runs what migrate check and migrate rewrite do, timed and
// optionally profiled, for docs/bench-kit.sh:
//
//	kitprof check   [-C dir] [-cpuprofile f] [-memprofile f] [packages]
//	kitprof rewrite [-C dir] [-cpuprofile f] [-memprofile f] [packages]
//	kitprof phases  -of check|rewrite binary cpu-profile
//	kitprof time    [-C dir] -o file -- command [args]
//
// check loads the packages as migrate check does and runs the analyzer
// suite on them with the checker; rewrite calls rewrite.Run, the whole of
// migrate rewrite's dry run but printing, and diffs every file as it does.
// Both print one line of wall times and counts and the process's peak
// resident memory. phases splits a CPU profile written by either into the
// phases of the work (see package phases). time runs a command and writes
// what it cost to a file: wall time, CPU time and peak resident memory,
// with those of every process it started and waited for.
//
// The commands have no hooks to time their phases, so this program
// repeats what they call; cmd/migrate's runCheck is in package main and
// cannot be imported. The load mode below must follow loadPackages in
// cmd/migrate/check.go.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/aymanbagabas/go-udiff"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/procmigrate/procmigrate/analyzers/suite"
	"github.com/procmigrate/procmigrate/internal/benchkit/phases"
	"github.com/procmigrate/procmigrate/rewrite"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "kitprof: %v\n", err)
		os.Exit(1)
	}
}

const usage = "usage: kitprof check|rewrite [-C dir] [-cpuprofile f] [-memprofile f] [packages]\n       kitprof phases -of check|rewrite binary cpu-profile\n       kitprof time [-C dir] -o file -- command [args]"

func run(args []string) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "phases":
		return runPhases(args)
	case "time":
		return runTime(args)
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	dir := fs.String("C", ".", "run in `dir`")
	cpu := fs.String("cpuprofile", "", "write a CPU profile to `file`")
	mem := fs.String("memprofile", "", "write a heap profile to `file` at the end, with everything still live")
	if err := fs.Parse(args); err != nil {
		return err
	}
	patterns := fs.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	var work func(dir string, patterns []string) (string, func(), error)
	switch cmd {
	case "check":
		work = check
	case "rewrite":
		work = rewriteDry
	default:
		return errors.New(usage)
	}

	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	start := time.Now()
	report, keep, err := work(*dir, patterns)
	wall := time.Since(start)
	if *cpu != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return err
	}
	if *mem != "" {
		if err := writeHeap(*mem); err != nil {
			return err
		}
	}
	keep() // the results stay live until the heap profile is written
	fmt.Printf("%s: %s, total %.2fs, peak RSS %d MiB\n", cmd, report, wall.Seconds(), peakRSS()>>20)
	return nil
}

// check loads and analyses as migrate check does.
func check(dir string, patterns []string) (string, func(), error) {
	t0 := time.Now()
	mode := packages.LoadSyntax | packages.NeedModule | packages.NeedForTest
	cfg := &packages.Config{Context: context.Background(), Dir: dir, Mode: mode, Tests: true}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return "", nil, fmt.Errorf("load packages: %w", err)
	}
	if n := packages.PrintErrors(pkgs); n > 0 {
		return "", nil, fmt.Errorf("%d packages do not load", n)
	}
	load := time.Since(t0)

	t1 := time.Now()
	graph, err := checker.Analyze(suite.All(), pkgs, nil)
	if err != nil {
		return "", nil, fmt.Errorf("analyze: %w", err)
	}
	diags, actions := 0, 0
	for act := range graph.All() {
		actions++
		if act.Err != nil {
			return "", nil, fmt.Errorf("analyze %s with %s: %w", act.Package.ID, act.Analyzer.Name, act.Err)
		}
		diags += len(act.Diagnostics)
	}
	analyse := time.Since(t1)
	return fmt.Sprintf("%d packages, %d actions, %d diagnostics; load %.2fs, analyse %.2fs",
			len(pkgs), actions, diags, load.Seconds(), analyse.Seconds()),
		func() { runtime.KeepAlive(graph) }, nil
}

// rewriteDry computes the rewrite and its diff as migrate rewrite does
// without --write.
func rewriteDry(dir string, patterns []string) (string, func(), error) {
	t0 := time.Now()
	res, err := rewrite.Run(rewrite.Config{Dir: dir, Patterns: patterns})
	if err != nil {
		return "", nil, err
	}
	runWall := time.Since(t0)

	t1 := time.Now()
	lines := 0
	for _, f := range res.Files {
		d := udiff.Unified("a/"+f.Path, "b/"+f.Path, string(f.Old), string(f.New))
		lines += strings.Count(d, "\n")
	}
	diff := time.Since(t1)
	levels := map[rewrite.Level]int{}
	for _, s := range res.Sites {
		levels[s.Level]++
	}
	return fmt.Sprintf("%d sites (%d typed, %d in-process, %d unchanged), %d files, %d diff lines; rewrite.Run %.2fs, diff %.2fs",
			len(res.Sites), levels[rewrite.TypedChannels], levels[rewrite.InProcess], levels[rewrite.Unchanged],
			len(res.Files), lines, runWall.Seconds(), diff.Seconds()),
		func() { runtime.KeepAlive(res) }, nil
}

func writeHeap(name string) error {
	runtime.GC()
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// peakRSS returns the process's peak resident set size, VmHWM, in bytes,
// or 0 where /proc is missing.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	_, rest, ok := bytes.Cut(data, []byte("\nVmHWM:"))
	if !ok {
		return 0
	}
	kb, _, _ := bytes.Cut(bytes.TrimSpace(rest), []byte(" "))
	n, _ := strconv.ParseInt(string(kb), 10, 64)
	return n << 10
}

// runPhases prints the phases of a CPU profile, as a markdown table of
// seconds and percentages of the profile's total.
func runPhases(args []string) error {
	fs := flag.NewFlagSet("phases", flag.ContinueOnError)
	of := fs.String("of", "", "the profile is of `check` or rewrite")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var rules []phases.Rule
	switch *of {
	case "check":
		rules = phases.Check
	case "rewrite":
		rules = phases.Rewrite
	default:
		return errors.New(usage)
	}
	if fs.NArg() != 2 {
		return errors.New(usage)
	}
	out, err := exec.Command("go", "tool", "pprof", "-traces", fs.Arg(0), fs.Arg(1)).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("go tool pprof -traces: %v: %s", err, bytes.TrimSpace(ee.Stderr))
		}
		return fmt.Errorf("go tool pprof -traces: %w", err)
	}
	samples, err := phases.ParseTraces(bytes.NewReader(out))
	if err != nil {
		return err
	}
	shares, total := phases.Split(samples, rules, *of == "check")
	if total == 0 {
		return errors.New("the profile has no samples")
	}
	_, err = io.WriteString(os.Stdout, phases.Markdown(shares, total))
	return err
}

// runTime runs a command with the standard streams of kitprof and writes
// one line to -o:
//
//	wall=SECONDS user=SECONDS sys=SECONDS maxrss_kib=N exit=CODE
//
// CPU times and maxrss are the rusage wait4 returns for the command. On
// Linux that covers the processes it waited for, so the go command's vet
// tools and go list are counted: the CPU times are their sum, maxrss is
// the largest single process, not the sum of those that ran at once. The
// command failing is not an error of kitprof; its exit code is written.
func runTime(args []string) error {
	fs := flag.NewFlagSet("time", flag.ContinueOnError)
	dir := fs.String("C", "", "run the command in `dir`")
	out := fs.String("o", "", "write the figures to `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() == 0 {
		return errors.New(usage)
	}
	cmd := exec.Command(fs.Arg(0), fs.Args()[1:]...)
	cmd.Dir = *dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return err // the command did not start
	}
	st := cmd.ProcessState
	line := fmt.Sprintf("wall=%.3f user=%.3f sys=%.3f maxrss_kib=%d exit=%d\n",
		wall.Seconds(), st.UserTime().Seconds(), st.SystemTime().Seconds(), maxRSSKiB(st), st.ExitCode())
	return os.WriteFile(*out, []byte(line), 0o644)
}
