#!/usr/bin/env bash
# bench.sh runs BenchmarkSwarm (rewrite/swarmbench_test.go), which builds
# each example program of testdata as shipped (a worker per process) and as
# migrated (a worker per goroutine) and runs both on the same workloads,
# then prints per program the mean figures and the ratios
# process/goroutine per worker count, next to the targets of
# docs/performance.md.
#
# Usage: docs/bench.sh [raw-output-file]
#        docs/bench.sh --report raw-output-file   (tables of an earlier run)
#
# Environment:
#   COUNT=6          how many times go test runs the benchmark (-count;
#                    benchstat needs 6 for a confidence interval)
#   BENCHTIME=3x     runs of the program per benchmark (-benchtime)
#   CHART=docs/performance.svg
#                    where to draw the chart of throughput and peak memory
#                    against the worker count (internal/benchkit/cmd/benchchart);
#                    empty for none
#   BENCHSTAT=1      also summarise with benchstat, fetched through the Go
#                    module proxy; set to 0 to skip (offline machines skip it
#                    anyway, with a note)
#
# Needs Linux (the harness reads /proc), Go and awk. Takes about five
# minutes on 2 cores with the defaults.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

count=${COUNT:-6}
benchtime=${BENCHTIME:-3x}
benchstat_version=v0.0.0-20260908200009-22c9c6c9d4da
run=1
if [[ ${1:-} == --report ]]; then
	run=0
	shift
	raw=${1:?usage: docs/bench.sh --report raw-output-file}
else
	raw=${1:-${TMPDIR:-/tmp}/swarmbench.$$.txt}
fi

if ((run)); then
	echo "== machine"
	echo "cpus:   $(nproc)"
	echo "cpu:    $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
	echo "memory: $(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
	echo "kernel: $(uname -sr)"
	echo "go:     $(go version)"
	echo

	cmd=(go test ./rewrite -run '^$' -bench '^BenchmarkSwarm$' -benchtime="$benchtime" -count="$count" -timeout 30m)
	echo "== ${cmd[*]}"
	echo "   (raw output: $raw)"
	"${cmd[@]}" | tee "$raw"
	echo
fi

# Mean of every metric per benchmark over the -count runs, then the tables,
# one block per program.
awk '
/^BenchmarkSwarm\// {
	name = $1
	sub(/-[0-9]+$/, "", name)            # the -GOMAXPROCS suffix
	split(name, part, "/")               # BenchmarkSwarm, program, model, workers=N
	prog = part[2]; model = part[3]
	n = part[4]; sub(/^workers=/, "", n)
	if (!(prog in seen)) { seen[prog] = 1; progs[++np] = prog }
	workers[n] = 1
	runs[prog, model, n]++
	for (i = 3; i < NF; i += 2) {
		sum[prog, model, n, $(i + 1)] += $i
		has[prog, $(i + 1)] = 1
	}
}
function mean(prog, model, n, unit) {
	return runs[prog, model, n] ? sum[prog, model, n, unit] / runs[prog, model, n] : 0
}
function ratio(a, b) {
	return b > 0 ? a / b : 0
}
function verdict(ok) {
	return ok ? "met" : "MISSED"
}
function fmtx(v) {
	return v > 0 ? sprintf("%.0fx", v) : "-"
}
# everyCount prints a target that each worker count in ns[1..k] must meet.
function everyCount(label, fig, min,    i, n, line, ok) {
	ok = 1
	for (i = 1; i <= k; i++) {
		n = ns[i]
		line = line sprintf(" %d: %.0fx", n, fig[n])
		if (fig[n] < min) ok = 0
	}
	printf "  %s at every worker count:%s  %s\n", label, line, verdict(ok)
}
END {
	k = 0
	for (n in workers) ns[++k] = n + 0
	if (k == 0) {
		print "no BenchmarkSwarm results" > "/dev/stderr"
		exit 1
	}
	# Sort the worker counts (insertion sort: no gawk extensions).
	for (i = 2; i <= k; i++) {
		v = ns[i]
		for (j = i - 1; j >= 1 && ns[j] > v; j--) ns[j + 1] = ns[j]
		ns[j + 1] = v
	}
	split("process goroutine", models, " ")
	for (p = 1; p <= np; p++) {
		prog = progs[p]
		print "== " prog ": mean figures (" runs[prog, "process", ns[1]] " benchmark runs each)"
		printf "%-10s %7s %11s %9s %9s %12s %8s %10s %15s\n", "model", "workers", "start-us", "rtt-us", "tasks/s", "cpu-us/task", "peak-MB", "MB/worker", "anon-MB/worker"
		for (m = 1; m <= 2; m++) {
			for (i = 1; i <= k; i++) {
				n = ns[i]; model = models[m]
				printf "%-10s %7d %11.1f %9.2f %9.0f %12.1f %8.1f %10.3f %15.3f\n", model, n,
					mean(prog, model, n, "start-µs"), mean(prog, model, n, "rtt-µs"), mean(prog, model, n, "tasks/s"),
					mean(prog, model, n, "cpu-µs/task"), mean(prog, model, n, "peak-MB"), mean(prog, model, n, "MB/worker"),
					mean(prog, model, n, "anon-MB/worker")
			}
		}
		print "   ratios, how many times better the goroutine model is (process/goroutine; throughput goroutine/process)"
		printf "%7s %8s %8s %11s %9s %10s %15s\n", "workers", "start", "rtt", "throughput", "cpu/task", "MB/worker", "anon-MB/worker"
		for (i = 1; i <= k; i++) {
			n = ns[i]
			start[n] = ratio(mean(prog, "process", n, "start-µs"), mean(prog, "goroutine", n, "start-µs"))
			rtt[n] = ratio(mean(prog, "process", n, "rtt-µs"), mean(prog, "goroutine", n, "rtt-µs"))
			tput[n] = ratio(mean(prog, "goroutine", n, "tasks/s"), mean(prog, "process", n, "tasks/s"))
			cpu[n] = ratio(mean(prog, "process", n, "cpu-µs/task"), mean(prog, "goroutine", n, "cpu-µs/task"))
			mem[n] = ratio(mean(prog, "process", n, "MB/worker"), mean(prog, "goroutine", n, "MB/worker"))
			anon[n] = ratio(mean(prog, "process", n, "anon-MB/worker"), mean(prog, "goroutine", n, "anon-MB/worker"))
			printf "%7d %8s %8s %10.1fx %8.1fx %9.0fx %14.0fx\n", n, fmtx(start[n]), fmtx(rtt[n]), tput[n], cpu[n], mem[n], anon[n]
		}
		print "   targets"
		if (has[prog, "start-µs"]) {
			everyCount("worker start      >= 1000x", start, 1000)
			everyCount("round trip        >= 50x", rtt, 50)
		}
		if (256 in workers) {
			printf "  memory per worker >= 50x at 256 workers: %.0fx  %s\n", mem[256], verdict(mem[256] >= 50)
			printf "    (anonymous memory only, the binary text not counted: %.0fx  %s)\n", anon[256], verdict(anon[256] >= 50)
		}
		if (64 in workers)
			printf "  task throughput   >= 5x at 64 workers: %.1fx  %s\n", tput[64], verdict(tput[64] >= 5)
		print ""
	}
}
' "$raw"

# The chart of docs/performance.md: throughput and peak memory against the
# number of workers, each program as processes and as goroutines.
chart=${CHART-docs/performance.svg}
if [[ -n $chart ]]; then
	go run ./internal/benchkit/cmd/benchchart -o "$chart" \
		-note "$(nproc) CPUs, $(go env GOVERSION), $(date -u +%Y-%m-%d)" "$raw"
	echo "== chart written to $chart"
fi

if [[ ${BENCHSTAT:-1} != 0 ]]; then
	echo
	echo "== benchstat (spread over the -count runs)"
	if ! go run "golang.org/x/perf/cmd/benchstat@$benchstat_version" "$raw" 2>/dev/null; then
		echo "(benchstat unavailable: no network or module proxy; the tables above do not need it)"
	fi
fi
