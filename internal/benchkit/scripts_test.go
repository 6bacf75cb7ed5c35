package benchkit

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The tests of this file run the report half of the scripts in docs/ on
// committed output of earlier runs, so that the scripts keep reading what
// the benchmarks and tools print without anyone running the full
// measurements. The committed figures are round where a test checks a
// ratio computed from them.

// runScript runs a script of docs/ with bash and returns its stdout,
// failing the test if it exits non-zero.
func runScript(t *testing.T, env []string, script string, args ...string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the scripts are bash for Linux")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	// Reading the script here makes go test's cache of results depend on
	// it, which running it through bash would not.
	path := filepath.Join("..", "..", "docs", script)
	if _, err := os.ReadFile(path); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, append([]string{path}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", script, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// checkMarkdown checks that out is only markdown: tables, headings,
// sentences and fenced blocks, none of the scripts' progress lines.
func checkMarkdown(t *testing.T, out string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "==") || strings.HasPrefix(line, "   ") {
			t.Errorf("progress line in the markdown: %q", line)
		}
		if strings.HasPrefix(line, "|") && !strings.HasSuffix(line, "|") {
			t.Errorf("unterminated table row: %q", line)
		}
	}
}

// contains reports every want missing from out.
func contains(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("no %q in\n%s", w, out)
		}
	}
}

// TestBenchReport runs docs/bench.sh --report on the output of a short
// BenchmarkSwarm run of every program, with made-up figures at 64 and 256
// workers for agentswarm, two runs of one averaged.
func TestBenchReport(t *testing.T) {
	chart := filepath.Join(t.TempDir(), "chart.svg")
	out := runScript(t, []string{"CHART=" + chart, "BENCHSTAT=0"}, "bench.sh", "--report", filepath.Join("testdata", "swarm.txt"))
	checkMarkdown(t, out)
	contains(t, out,
		"| CPUs | 2 |\n",
		"| taken | 2026-12-04 18:40 UTC |\n",
		"#### agentswarm\n", "#### digest-gob\n", "#### digest-lines\n", "#### digest-once\n", "#### cgoworker\n",
		"| process | 64 | 53000.0 | 4000.00 | 8000 | 200.0 | 192.0 | 3.000 | 0.720 |\n",
		"| 64 | 106× | 160× | 24.0× | 32.0× | 43× | 20× |\n",
		"| 256 | 80× | 150× | 26.0× | 32.0× | 83× | 26× |\n",
		"| worker start ≥ 1000× faster at every worker count | 8: 160×, 64: 106×, 256: 80× | **missed** |\n",
		"| round trip ≥ 50× faster at every worker count | 8: 177×, 64: 160×, 256: 150× | met |\n",
		"| memory per worker ≥ 50× less at 256 workers | 83× | met |\n",
		"| the same, anonymous memory only (binary text not counted) | 26× | **missed** |\n",
		"| task throughput ≥ 5× at 64 workers | 24.0× | met |\n",
		"| task throughput ≥ 5× at 64 workers | not measured | - |\n",
	)
	// cgoworker prints its start latency and round trip like the others.
	cgo := out[strings.Index(out, "#### cgoworker"):]
	contains(t, cgo, "| process | 8 | 14019.0 | 616.90 |", "| round trip ≥ 50× faster at every worker count | 8: 142× | met |")

	svg, err := os.ReadFile(chart)
	if err != nil {
		t.Fatal(err)
	}
	contains(t, string(svg), "<svg", "cgoworker as goroutines", "digest-once as processes", "2 CPUs, go1.26.8, 2026-12-04")

	// go test's output piped in gives the same tables.
	sample, err := os.Open(filepath.Join("testdata", "swarm.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer sample.Close()
	cmd := exec.Command("bash", filepath.Join("..", "..", "docs", "bench.sh"), "--report", "-")
	cmd.Env = append(os.Environ(), "CHART=", "BENCHSTAT=0")
	cmd.Stdin = sample
	piped, err := cmd.Output()
	if err != nil {
		t.Fatalf("bench.sh --report -: %v", err)
	}
	if string(piped) != out {
		t.Errorf("bench.sh --report - printed\n%s\nwant what it prints from the file", piped)
	}
}

// TestKitReport runs docs/bench-kit.sh --report on the directory a quick
// run left (QUICK=1 STD=errors SIZE=2000 KEEP=DIR), without its
// generated modules, binaries and profiles, and with round figures for go
// vet.
func TestKitReport(t *testing.T) {
	out := runScript(t, nil, "bench-kit.sh", "--report", filepath.Join("testdata", "kit"))
	checkMarkdown(t, out)
	contains(t, out,
		"| CPUs | 2 |\n",
		"| std | `errors` |\n",
		"| (a) go vet: migrate as -vettool / plain | wall s | 54.00 | 60.00 | 0.90× | ≤ 1.0× | met |\n",
		"|  | CPU s | 88.00 | 88.00 | 1.00× | ≤ 1.0× | met |\n",
		"|  | peak MiB | 220 | 200 | 1.10× | ≤ 1.0× | **missed** |\n",
		"| (b) check gen-2000: migrate / noopcheck | wall s | 0.71 | 0.37 | 1.95× | ≤ 1.25× | **missed** |\n",
		"| (c) rewrite dry run std / noopcheck | wall s | 1.62 | 1.63 | 1.00× | - | - |\n",
		"| gen-500 | 2 | 831 | 0.19 | 27 | 96.50 | 1.00× | 96.00 |\n",
		"| gen-2000 | 5 | 2211 | 0.33 | 32 | 66.40 | 0.69× | 57.20 |\n",
		"| linear growth: CPU per package at the largest size ≤ 1.25× the smallest | 0.69× | met |\n",
		"Where the CPU time of migrate check errors goes",
		"Where the CPU time of migrate rewrite gen-2000 goes",
		"| phase | CPU s | share |\n",
	)
	if i, j := strings.Index(out, "check errors goes"), strings.Index(out, "rewrite gen-2000 goes"); i > j {
		t.Error("the phase splits are out of order")
	}

	// A directory without the figures of a step is an error, not a table
	// with holes.
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "kit"))); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "fig", "rewrite-gen")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", filepath.Join("..", "..", "docs", "bench-kit.sh"), "--report", dir)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "missing figures for rewrite-gen") {
		t.Errorf("report without rewrite-gen: %v\n%s", err, out)
	}
}
