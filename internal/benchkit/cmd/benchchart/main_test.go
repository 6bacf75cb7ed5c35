package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/procmigrate/procmigrate/rewrite
BenchmarkSwarm/agentswarm/process/workers=8-2         	       3	 12 ns/op	      7000 start-µs	     9000 tasks/s	        26.0 peak-MB
BenchmarkSwarm/agentswarm/process/workers=8-2         	       3	 12 ns/op	      7100 start-µs	    11000 tasks/s	        28.0 peak-MB
BenchmarkSwarm/agentswarm/goroutine/workers=8-2       	       3	 12 ns/op	        75 start-µs	    61000 tasks/s	         2.8 peak-MB
BenchmarkSwarm/agentswarm/process/workers=64-2        	       3	 12 ns/op	     53000 start-µs	     7900 tasks/s	       190 peak-MB
BenchmarkSwarm/agentswarm/goroutine/workers=64-2      	       3	 12 ns/op	       500 start-µs	   190000 tasks/s	         4.5 peak-MB
BenchmarkSwarm/cgoworker/process/workers=8-2          	       3	 12 ns/op	     5000 tasks/s	        24.0 peak-MB
BenchmarkSwarm/cgoworker/goroutine/workers=8-2        	       3	 12 ns/op	    40000 tasks/s	         3.0 peak-MB
PASS
ok  	github.com/procmigrate/procmigrate/rewrite	12.3s
`

func TestRead(t *testing.T) {
	r := results{}
	if err := r.read(strings.NewReader(sample)); err != nil {
		t.Fatal(err)
	}
	k := key{"agentswarm", "process", 8}
	if got, _ := r.mean(k, "tasks/s"); got != 10000 {
		t.Errorf("mean tasks/s of %v = %v, want 10000 (two runs)", k, got)
	}
	if len(r) != 6 {
		t.Errorf("%d benchmarks read, want 6", len(r))
	}
	if err := r.read(strings.NewReader("BenchmarkSwarm/process/agents=8-2 3 1 ns/op 2 tasks/s\n")); err == nil {
		t.Error("a name without a program was read")
	}
}

func TestChart(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "bench.txt")
	if err := os.WriteFile(in, []byte(sample), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "chart.svg")
	if err := run(out, "test machine", []string{in}); err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// Two programs, two models, two panels.
	if n := bytes.Count(svg, []byte("<polyline")); n != 8 {
		t.Errorf("%d lines drawn, want 8", n)
	}
	for _, want := range []string{"agentswarm as goroutines", "cgoworker as processes", "test machine", "throughput"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("chart does not mention %q", want)
		}
	}
	if err := run(out, "", []string{filepath.Join(dir, "missing.txt")}); err == nil {
		t.Error("a missing input was not an error")
	}
	empty := filepath.Join(dir, "empty.txt")
	if err := os.WriteFile(empty, []byte("PASS\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(out, "", []string{empty}); err == nil || !strings.Contains(err.Error(), "no BenchmarkSwarm results") {
		t.Errorf("input without results: err = %v", err)
	}
}
