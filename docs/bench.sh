#!/usr/bin/env bash
# bench.sh runs BenchmarkSwarm (rewrite/swarmbench_test.go), which builds
# each example program of testdata as shipped (a worker per process) and as
# migrated (a worker per goroutine) and runs both on the same workloads,
# then prints per program the mean figures, the ratios process/goroutine
# per worker count and the targets of docs/performance.md, as markdown to
# paste under "<!-- program-figures -->" there; it also draws the chart.
#
# Usage: docs/bench.sh [raw-output-file] >figures.md
#        docs/bench.sh --report raw-output-file >figures.md
#                                 (the tables and chart of an earlier run;
#                                 - reads go test's output from stdin)
#
# Only the markdown goes to stdout; go test's own output and the progress
# go to stderr.
#
# Environment:
#   COUNT=6          how many times go test runs the benchmark (-count;
#                    benchstat needs 6 for a confidence interval)
#   BENCHTIME=3x     runs of the program per benchmark (-benchtime)
#   BENCH='^BenchmarkSwarm$'
#                    the -bench pattern; 'BenchmarkSwarm/.*/.*/workers=8$'
#                    with COUNT=1 BENCHTIME=1x is a smoke run of a minute
#   CHART=docs/performance.svg
#                    (relative to the repository root) where to draw the chart of throughput and peak memory
#                    against the worker count (internal/benchkit/cmd/benchchart);
#                    empty for none
#   BENCHSTAT=1      also summarise with benchstat, fetched through the Go
#                    module proxy; set to 0 to skip (offline machines skip it
#                    anyway, with a note)
#
# Needs Linux (the harness reads /proc), Go, a C compiler for cgoworker,
# and awk. The full run takes about 6 minutes on 2 cores with the
# defaults: 5 programs, 2 models and 3 worker counts, each benchmark 6
# times, its program run 4 times (once for -benchtime=1x, then 3x), with
# the process model at 256 workers and digest's one-shot workers, a
# process per task, the slowest.
set -euo pipefail
caller=$PWD
cd "$(dirname "${BASH_SOURCE[0]}")/.."

count=${COUNT:-6}
benchtime=${BENCHTIME:-3x}
bench=${BENCH:-'^BenchmarkSwarm$'}
benchstat_version=v0.0.0-20260908200009-22c9c6c9d4da
run=1
if [[ ${1:-} == --report ]]; then
	run=0
	shift
	raw=${1:?usage: docs/bench.sh --report raw-output-file}
else
	raw=${1:-${TMPDIR:-/tmp}/swarmbench.$$.txt}
fi
if [[ $raw == - ]]; then
	# Output piped in from go test: kept in a file, since it is read more
	# than once.
	raw=$(mktemp "${TMPDIR:-/tmp}/swarmbench.XXXXXX")
	trap 'rm -f "$raw"' EXIT
	cat >"$raw"
fi
[[ $raw == /* ]] || raw=$caller/$raw

if ((run)); then
	cmd=(go test ./rewrite -run '^$' -bench "$bench" -benchtime="$benchtime" -count="$count" -timeout 60m)
	# The machine goes into the raw output as "machine-KEY: value" lines,
	# which benchstat takes as labels of the file, so that --report can
	# tell where and when an old run was made.
	{
		echo "machine-date: $(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "machine-cpus: $(nproc)"
		echo "machine-cpu: $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
		echo "machine-memory: $(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
		echo "machine-kernel: $(uname -sr)"
		echo "machine-go: $(go env GOVERSION) $(go env GOOS)/$(go env GOARCH)"
		echo "machine-load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at the start"
		echo "machine-command: go test ./rewrite -run '^\$' -bench '$bench' -benchtime=$benchtime -count=$count"
	} >"$raw"
	echo "== ${cmd[*]}" >&2
	echo "   (raw output: $raw)" >&2
	"${cmd[@]}" | tee -a "$raw" >&2
	echo >&2
fi

# The machine, then per program the means over the -count runs, the ratios
# and the targets, as markdown.
awk '
/^machine-[a-z]+: / {
	k = $1; sub(/^machine-/, "", k); sub(/:$/, "", k)
	v = $0; sub(/^[^:]*: /, "", v)
	machine[k] = v
}
/^BenchmarkSwarm\// {
	name = $1
	sub(/-[0-9]+$/, "", name)            # the -GOMAXPROCS suffix
	split(name, part, "/")               # BenchmarkSwarm, program, model, workers=N
	prog = part[2]; model = part[3]
	n = part[4]; sub(/^workers=/, "", n)
	if (!(prog in seen)) { seen[prog] = 1; progs[++np] = prog }
	workers[n] = 1
	runs[prog, model, n]++
	iters[prog, model, n] += $2
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
	return ok ? "met" : "**missed**"
}
function times(v, digits) {
	return v > 0 ? sprintf("%." digits "f×", v) : "-"
}
# cell formats the mean of unit, or "-" where the program does not report it.
function cell(prog, model, n, unit, f) {
	if (!has[prog, unit] || !runs[prog, model, n]) return "-"
	return sprintf(f, mean(prog, model, n, unit))
}
# both tells whether prog was measured at n workers in both models.
function both(prog, n) {
	return runs[prog, "process", n] && runs[prog, "goroutine", n]
}
# everyCount returns the row of a target that each worker count at which
# prog was measured must meet.
function everyCount(label, prog, fig, min,    i, n, line, ok) {
	ok = 1
	for (i = 1; i <= k; i++) {
		n = ns[i]
		if (!both(prog, n)) continue
		line = line (line != "" ? ", " : "") n ": " times(fig[n], 0)
		if (fig[n] < min) ok = 0
	}
	return sprintf("| %s at every worker count | %s | %s |", label, line, verdict(ok))
}
function machineRow(label, key) {
	if (key in machine) printf "| %s | %s |\n", label, machine[key]
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
	if ("date" in machine) {
		print "| machine | |"
		print "|-|-|"
		machineRow("taken", "date")
		machineRow("CPUs", "cpus")
		machineRow("CPU", "cpu")
		machineRow("memory", "memory")
		machineRow("kernel", "kernel")
		machineRow("Go", "go")
		machineRow("load", "load")
		if ("command" in machine) printf "| command | `%s` |\n", machine["command"]
		print ""
	}
	split("process goroutine", models, " ")
	for (p = 1; p <= np; p++) {
		prog = progs[p]
		r = runs[prog, "process", ns[1]]
		printf "#### %s\n\n", prog
		printf "Means over %d benchmark run%s of %d program run%s each (MiB = 2²⁰ bytes):\n\n", r, r == 1 ? "" : "s", iters[prog, "process", ns[1]] / (r ? r : 1), iters[prog, "process", ns[1]] / (r ? r : 1) == 1 ? "" : "s"
		print "| model | workers | start µs | round trip µs | tasks/s | CPU µs/task | peak MiB | MiB/worker | anon MiB/worker |"
		print "|-------|--------:|---------:|--------------:|--------:|------------:|---------:|-----------:|----------------:|"
		for (m = 1; m <= 2; m++) {
			for (i = 1; i <= k; i++) {
				n = ns[i]; model = models[m]
				if (!runs[prog, model, n]) continue
				printf "| %s | %d | %s | %s | %s | %s | %s | %s | %s |\n", model, n,
					cell(prog, model, n, "start-µs", "%.1f"), cell(prog, model, n, "rtt-µs", "%.2f"),
					cell(prog, model, n, "tasks/s", "%.0f"), cell(prog, model, n, "cpu-µs/task", "%.1f"),
					cell(prog, model, n, "peak-MB", "%.1f"), cell(prog, model, n, "MB/worker", "%.3f"),
					cell(prog, model, n, "anon-MB/worker", "%.3f")
			}
		}
		print ""
		print "How many times better the goroutine model is (process/goroutine; for throughput goroutine/process):"
		print ""
		print "| workers | start | round trip | throughput | CPU per task | MiB/worker | anon MiB/worker |"
		print "|--------:|------:|-----------:|-----------:|-------------:|-----------:|----------------:|"
		for (i = 1; i <= k; i++) {
			n = ns[i]
			if (!both(prog, n)) continue
			start[n] = ratio(mean(prog, "process", n, "start-µs"), mean(prog, "goroutine", n, "start-µs"))
			rtt[n] = ratio(mean(prog, "process", n, "rtt-µs"), mean(prog, "goroutine", n, "rtt-µs"))
			tput[n] = ratio(mean(prog, "goroutine", n, "tasks/s"), mean(prog, "process", n, "tasks/s"))
			cpu[n] = ratio(mean(prog, "process", n, "cpu-µs/task"), mean(prog, "goroutine", n, "cpu-µs/task"))
			mem[n] = ratio(mean(prog, "process", n, "MB/worker"), mean(prog, "goroutine", n, "MB/worker"))
			anon[n] = ratio(mean(prog, "process", n, "anon-MB/worker"), mean(prog, "goroutine", n, "anon-MB/worker"))
			printf "| %d | %s | %s | %s | %s | %s | %s |\n", n, times(start[n], 0), times(rtt[n], 0), times(tput[n], 1), times(cpu[n], 1), times(mem[n], 0), times(anon[n], 0)
		}
		print ""
		print "| target | measured | verdict |"
		print "|--------|----------|---------|"
		if (has[prog, "start-µs"]) {
			print everyCount("worker start ≥ 1000× faster", prog, start, 1000)
			print everyCount("round trip ≥ 50× faster", prog, rtt, 50)
		}
		if (both(prog, 256)) {
			printf "| memory per worker ≥ 50× less at 256 workers | %s | %s |\n", times(mem[256], 0), verdict(mem[256] >= 50)
			printf "| the same, anonymous memory only (binary text not counted) | %s | %s |\n", times(anon[256], 0), verdict(anon[256] >= 50)
		} else
			print "| memory per worker ≥ 50× less at 256 workers | not measured | - |"
		if (both(prog, 64))
			printf "| task throughput ≥ 5× at 64 workers | %s | %s |\n", times(tput[64], 1), verdict(tput[64] >= 5)
		else
			print "| task throughput ≥ 5× at 64 workers | not measured | - |"
		print ""
	}
}
' "$raw"

# The chart of docs/performance.md: throughput and peak memory against the
# number of workers, each program as processes and as goroutines. Its note
# names the machine the raw output records, or, for output without it,
# this one.
chart=${CHART-docs/performance.svg}
if [[ -n $chart ]]; then
	note=$(awk -F': ' '
		$1 == "machine-cpus" { cpus = $2 } $1 == "machine-go" { split($2, g, " "); goversion = g[1] }
		$1 == "machine-date" { split($2, d, " "); date = d[1] }
		END { if (cpus != "") printf "%s CPUs, %s, %s", cpus, goversion, date }' "$raw")
	if [[ -z $note ]]; then
		note="$(nproc) CPUs, $(go env GOVERSION), $(date -u +%Y-%m-%d)"
	fi
	go run ./internal/benchkit/cmd/benchchart -o "$chart" -note "$note" "$raw"
	echo "== chart written to $chart" >&2
fi

# benchstat's summary, which gives the spread of each figure over the
# -count runs, as a block of preformatted text.
if [[ ${BENCHSTAT:-1} != 0 ]]; then
	echo "== benchstat" >&2
	if stat=$(go run "golang.org/x/perf/cmd/benchstat@$benchstat_version" "$raw" 2>/dev/null); then
		echo "The spread of each figure over the runs, from benchstat:"
		echo
		echo '```text'
		echo "$stat"
		echo '```'
	else
		echo "(benchstat unavailable: no network or module proxy; the tables do not need it)" >&2
	fi
fi
