#!/usr/bin/env bash
# bench.sh runs BenchmarkSwarm (rewrite/swarmbench_test.go), which builds
# testdata/agentswarm as shipped (an agent per process) and as migrated (an
# agent per goroutine) and runs both on the same workloads, then prints the
# mean figures and the ratios process/goroutine per agent count, next to
# the targets of docs/performance.md.
#
# Usage: docs/bench.sh [raw-output-file]
#        docs/bench.sh --report raw-output-file   (tables of an earlier run)
#
# Environment:
#   COUNT=6          how many times go test runs the benchmark (-count;
#                    benchstat needs 6 for a confidence interval)
#   BENCHTIME=3x     runs of the program per benchmark (-benchtime)
#   BENCHSTAT=1      also summarise with benchstat, fetched through the Go
#                    module proxy; set to 0 to skip (offline machines skip it
#                    anyway, with a note)
#
# Needs Linux (the harness reads /proc), Go and awk. Takes well under a
# minute on 2 cores with the defaults.
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

# Mean of every metric per benchmark over the -count runs, then the tables.
awk '
/^BenchmarkSwarm\// {
	name = $1
	sub(/-[0-9]+$/, "", name)            # the -GOMAXPROCS suffix
	split(name, part, "/")               # BenchmarkSwarm, model, agents=N
	model = part[2]
	n = part[3]; sub(/^agents=/, "", n)
	agents[n] = 1
	runs[model, n]++
	for (i = 3; i < NF; i += 2) {
		sum[model, n, $(i + 1)] += $i
	}
}
function mean(model, n, unit) {
	return runs[model, n] ? sum[model, n, unit] / runs[model, n] : 0
}
function ratio(a, b) {
	return b > 0 ? a / b : 0
}
function verdict(ok) {
	return ok ? "met" : "MISSED"
}
# everyCount prints a target that each agent count in ns[1..k] must meet.
function everyCount(label, fig, min,    i, n, line, ok) {
	ok = 1
	for (i = 1; i <= k; i++) {
		n = ns[i]
		line = line sprintf(" %d: %.0fx", n, fig[n])
		if (fig[n] < min) ok = 0
	}
	printf "%s at every agent count:%s  %s\n", label, line, verdict(ok)
}
END {
	k = 0
	for (n in agents) ns[++k] = n + 0
	if (k == 0) {
		print "no BenchmarkSwarm results" > "/dev/stderr"
		exit 1
	}
	# Sort the agent counts (insertion sort: no gawk extensions).
	for (i = 2; i <= k; i++) {
		v = ns[i]
		for (j = i - 1; j >= 1 && ns[j] > v; j--) ns[j + 1] = ns[j]
		ns[j + 1] = v
	}

	print "== mean figures (" runs["process", ns[1]] " benchmark runs each)"
	printf "%-10s %6s %11s %9s %9s %12s %8s %9s %14s\n", "model", "agents", "start-us", "rtt-us", "tasks/s", "cpu-us/task", "peak-MB", "MB/agent", "anon-MB/agent"
	split("process goroutine", models, " ")
	for (m = 1; m <= 2; m++) {
		for (i = 1; i <= k; i++) {
			n = ns[i]; model = models[m]
			printf "%-10s %6d %11.1f %9.2f %9.0f %12.1f %8.1f %9.3f %14.3f\n", model, n,
				mean(model, n, "start-µs"), mean(model, n, "rtt-µs"), mean(model, n, "tasks/s"),
				mean(model, n, "cpu-µs/task"), mean(model, n, "peak-MB"), mean(model, n, "MB/agent"),
				mean(model, n, "anon-MB/agent")
		}
	}
	print ""
	print "== ratios: how many times better the goroutine model is"
	print "   (process/goroutine; throughput goroutine/process)"
	printf "%6s %8s %8s %11s %9s %9s %14s\n", "agents", "start", "rtt", "throughput", "cpu/task", "MB/agent", "anon-MB/agent"
	for (i = 1; i <= k; i++) {
		n = ns[i]
		start[n] = ratio(mean("process", n, "start-µs"), mean("goroutine", n, "start-µs"))
		rtt[n] = ratio(mean("process", n, "rtt-µs"), mean("goroutine", n, "rtt-µs"))
		tput[n] = ratio(mean("goroutine", n, "tasks/s"), mean("process", n, "tasks/s"))
		cpu[n] = ratio(mean("process", n, "cpu-µs/task"), mean("goroutine", n, "cpu-µs/task"))
		mem[n] = ratio(mean("process", n, "MB/agent"), mean("goroutine", n, "MB/agent"))
		anon[n] = ratio(mean("process", n, "anon-MB/agent"), mean("goroutine", n, "anon-MB/agent"))
		printf "%6d %7.0fx %7.0fx %10.1fx %8.1fx %8.0fx %13.0fx\n", n, start[n], rtt[n], tput[n], cpu[n], mem[n], anon[n]
	}
	print ""
	print "== targets"
	everyCount("worker start      >= 1000x", start, 1000)
	everyCount("round trip        >= 50x", rtt, 50)
	if (256 in agents) {
		printf "memory per agent  >= 50x at 256 agents: %.0fx  %s\n", mem[256], verdict(mem[256] >= 50)
		printf "  (anonymous memory only, the binary text not counted: %.0fx  %s)\n", anon[256], verdict(anon[256] >= 50)
	}
	if (64 in agents)
		printf "task throughput   >= 5x at 64 agents: %.1fx  %s\n", tput[64], verdict(tput[64] >= 5)
}
' "$raw"

if [[ ${BENCHSTAT:-1} != 0 ]]; then
	echo
	echo "== benchstat (spread over the -count runs)"
	if ! go run "golang.org/x/perf/cmd/benchstat@$benchstat_version" "$raw" 2>/dev/null; then
		echo "(benchstat unavailable: no network or module proxy; the tables above do not need it)"
	fi
fi
