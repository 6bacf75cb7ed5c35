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
}
