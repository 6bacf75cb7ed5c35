#!/usr/bin/env bash
# bench-kit.sh measures procmigrate itself, in one run, against the
# baselines of docs/performance.md ("The kit itself") and prints the
# figures, the ratios and their targets as markdown to paste under
# "<!-- kit-figures -->" there:
#
#   (a) go vet -vettool=migrate against plain go vet, both with their
#       analysis forced to rerun: wall, CPU and peak memory (target <= 1.0x)
#   (b) migrate check against a trivial analyzer run through
#       singlechecker (internal/benchkit/cmd/noopcheck), on std and on a
#       generated module full of worker shapes (target <= 1.25x in time
#       and in peak memory)
#   (c) migrate rewrite without --write on the same trees: time, memory,
#       and a CPU profile split into loading, decorating, analysing,
#       restoring and diffing
#   (d) migrate check on generated modules of three sizes: the cost per
#       package should not grow with the size
#
# Usage: docs/bench-kit.sh >figures.md
#        docs/bench-kit.sh --report DIR >figures.md
#                          (the tables of an earlier run kept with KEEP=DIR)
#
# Only the markdown goes to stdout; the progress, with each figure as it
# is taken, goes to stderr.
#
# Environment:
#   QUICK=1      a smoke run of every step on small inputs (a few std
#                packages, modules of a few thousand lines); a minute or
#                two, and the ratios mean little
#   STD="std"    the standard library packages of (a), (b) and (c)
#   SIZE=100000  lines of the generated module of (b) and (c); (d) uses
#                SIZE/4, SIZE/2 and SIZE
#   PROFILE=1    the CPU profiles and phase splits; 0 skips them
#   KEEP=DIR     keep the generated modules, outputs and profiles in DIR
#                (default: a temporary directory, removed at the end)
#
# Needs Linux (peak memory comes from wait4's rusage), Go and awk. It
# builds its tools with go build and fetches nothing but the module's own
# dependencies through the module proxy. The full run takes 10 to 15
# minutes on 2 quiet cores with a warm build cache: go vet std twice to
# warm up and twice measured (a minute or more each), noopcheck, migrate
# check and migrate rewrite on std twice each (warm-up and measured), the
# same on the generated modules, and the four profiled runs. The first run
# on a machine also compiles std's tests for go vet.
#
# Each figure is one run, so rerun on a quiet machine before trusting a
# ratio near its target.
set -euo pipefail
caller=$PWD
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

# report DIR prints, as markdown, the figures an earlier run left in DIR:
# the machine and the inputs (machine, params), each command's cost
# (fig/NAME, from kitprof time), the generated modules (gen-N.stats) and
# the phase splits (phases/*.md).
report() {
	local dir=$1 f
	awk -F': ' '
	FILENAME ~ /machine$/ { machine[$1] = $2; next }
	{ param[$1] = $2 }
	function row(label, key) { if (key in machine) printf "| %s | %s |\n", label, machine[key] }
	END {
		print "| machine | |"
		print "|-|-|"
		row("taken", "date"); row("CPUs", "cpus"); row("CPU", "cpu"); row("memory", "memory")
		row("kernel", "kernel"); row("Go", "go"); row("load", "load")
		printf "| std | `%s` |\n", param["std"]
		printf "| generated modules | %s lines |\n", param["sizes"]
		print ""
	}' "$dir/machine" "$dir/params"

	awk -v dir="$dir" '
	function load(name,    line, i, kv, n, fs) {
		if ((name, "wall") in fig) return
		if ((getline line < (dir "/fig/" name)) <= 0) { printf "missing figures for %s in %s\n", name, dir > "/dev/stderr"; exit 1 }
		close(dir "/fig/" name)
		n = split(line, fs, " ")
		for (i = 1; i <= n; i++) { split(fs[i], kv, "="); fig[name, kv[1]] = kv[2] }
		fig[name, "cpu"] = fig[name, "user"] + fig[name, "sys"]
		fig[name, "mem"] = fig[name, "maxrss_kib"] / 1024
	}
	function row(label, ours, base, what, target,    r, ok, unit, f) {
		load(ours); load(base)
		r = fig[base, what] > 0 ? fig[ours, what] / fig[base, what] : 0
		ok = target == "" ? "-" : (r <= target ? "met" : "**missed**")
		unit = what == "wall" ? "wall s" : what == "cpu" ? "CPU s" : "peak MiB"
		f = what == "mem" ? "%.0f" : "%.2f"
		printf "| %s | %s | " f " | " f " | %.2f× | %s | %s |\n", label, unit, fig[ours, what], fig[base, what], r, target == "" ? "-" : "≤ " target "×", ok
	}
	function rows(label, ours, base, target) {
		row(label, ours, base, "wall", target)
		row("", ours, base, "cpu", target)
		row("", ours, base, "mem", target)
	}
	function stat(n, key,    line, f, file) {
		# "222 packages, 584 files, 100116 lines, ..." from genmod
		file = dir "/gen-" n ".stats"
		if ((getline line < file) <= 0) { printf "missing %s\n", file > "/dev/stderr"; exit 1 }
		close(file)
		split(line, f, /[ ,]+/)
		return key == "packages" ? f[1] : f[5]
	}
	BEGIN {
		while ((getline line < (dir "/params")) > 0) {
			split(line, kv, ": ")
			param[kv[1]] = kv[2]
		}
		size = param["size"]; sizes = param["sizes"]
		print "Each figure is one run. CPU is user + system time of the whole process tree; peak memory is the largest resident set of a single process in it (the rusage of wait4)."
		print ""
		print "| measure | | ours | baseline | ratio | target | verdict |"
		print "|---------|-|-----:|---------:|------:|--------|---------|"
		rows("(a) go vet: migrate as -vettool / plain", "vet-migrate", "vet-plain", "1.0")
		rows("(b) check std: migrate / noopcheck", "check-std-migrate", "check-std-noop", "1.25")
		rows("(b) check gen-" size ": migrate / noopcheck", "check-gen-migrate", "check-gen-noop", "1.25")
		rows("(c) rewrite dry run std / noopcheck", "rewrite-std", "check-std-noop", "")
		rows("(c) rewrite dry run gen-" size " / noopcheck", "rewrite-gen", "check-gen-noop", "")
		print ""
		print "(d) Growth: migrate check on generated modules of three sizes, CPU per package against the smallest:"
		print ""
		print "| module | packages | lines | CPU s | peak MiB | ms/package | vs smallest | noopcheck ms/package |"
		print "|--------|---------:|------:|------:|---------:|-----------:|------------:|---------------------:|"
		k = split(sizes, ns, " ")
		for (i = 1; i <= k; i++) {
			n = ns[i]; m = "grow-" n "-migrate"; b = "grow-" n "-noop"
			load(m); load(b)
			p = stat(n, "packages")
			per = 1000 * fig[m, "cpu"] / p
			if (i == 1) first = per
			printf "| gen-%d | %d | %d | %.2f | %.0f | %.2f | %.2f× | %.2f |\n", n, p, stat(n, "lines"), fig[m, "cpu"], fig[m, "mem"], per, per / first, 1000 * fig[b, "cpu"] / p
			last = per
		}
		print ""
		printf "| target | measured | verdict |\n|--------|----------|---------|\n"
		printf "| linear growth: CPU per package at the largest size ≤ 1.25× the smallest | %.2f× | %s |\n", last / first, last / first <= 1.25 ? "met" : "**missed**"
		print ""
	}'

	# The phase splits, in the order they were taken.
	for f in "$dir"/phases/*.md; do
		[[ -e $f ]] || continue
		cat "$f"
		echo
	done
}

if [[ ${1:-} == --report ]]; then
	dir=${2:?usage: docs/bench-kit.sh --report DIR}
	[[ $dir == /* ]] || dir=$caller/$dir
	report "$dir"
	exit 0
fi

# From here on stdout is the caller's stderr, and the report alone goes to
# the caller's stdout (descriptor 3).
exec 3>&1 1>&2

if [[ ${QUICK:-0} != 0 ]]; then
	std=${STD:-"errors sort strings os/exec encoding/json"}
	size=${SIZE:-4000}
else
	std=${STD:-std}
	size=${SIZE:-100000}
fi
profile=${PROFILE:-1}
read -r -a stdpkgs <<<"$std"
sizes="$((size / 4)) $((size / 2)) $size"

if [[ -n ${KEEP:-} ]]; then
	work=$KEEP
	[[ $work == /* ]] || work=$caller/$work
	mkdir -p "$work"
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/bench-kit.XXXXXX")
	trap 'rm -rf "$work"' EXIT
fi
bin=$work/bin
rm -rf "$work/fig" "$work/phases"
mkdir -p "$bin" "$work/out" "$work/fig" "$work/phases"

{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "cpus: $(nproc)"
	echo "cpu: $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
	echo "memory: $(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
	echo "kernel: $(uname -sr)"
	echo "go: $(go env GOVERSION) $(go env GOOS)/$(go env GOARCH)"
	echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at the start"
} >"$work/machine"
{
	echo "std: ${stdpkgs[*]}"
	echo "size: $size"
	echo "sizes: $sizes"
} >"$work/params"
echo "== machine"
sed 's/^/   /' "$work/machine"
echo "   work: $work"
echo

echo "== building the tools"
go build -o "$bin/" ./cmd/migrate ./internal/benchkit/cmd/kitprof ./internal/benchkit/cmd/noopcheck ./internal/benchkit/cmd/genmod
kitprof=$bin/kitprof
echo

# measure NAME EXITS [-C dir] -- command...: runs the command once under
# kitprof time, its output in $work/out/NAME.{stdout,stderr}, its figures
# in $work/fig/NAME. EXITS lists the exit codes that mean it worked, as
# "0 3" for migrate check, which exits 3 with findings. A crash is never
# taken for findings.
measure() {
	local name=$1 exits=$2
	shift 2
	"$kitprof" time -o "$work/fig/$name" "$@" >"$work/out/$name.stdout" 2>"$work/out/$name.stderr"
	local code
	code=$(sed -n 's/.*exit=\([0-9-]*\).*/\1/p' "$work/fig/$name")
	if [[ " $exits " != *" $code "* ]] || grep -qE '^(panic: |fatal error: )|internal error' "$work/out/$name.stderr"; then
		echo "$name: exit $code; the end of its stderr:" >&2
		tail -20 "$work/out/$name.stderr" >&2
		exit 1
	fi
	awk -v name="$name" '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		printf "   %-28s wall %7.2f s  cpu %7.2f s  peak %6.0f MiB  exit %s\n", name, f["wall"], f["user"] + f["sys"], f["maxrss_kib"] / 1024, f["exit"]
	}' "$work/fig/$name"
}

# warm NAME EXITS [-C dir] -- command...: runs the command once, unmeasured,
# so that the measured run that follows finds go list's and the build
# cache's results as warm as the run before it did: the first command to
# load a fresh module would otherwise pay for compiling its dependencies'
# export data, and the baseline, measured first, would look slow.
warm() {
	local name=$1
	shift 2
	"$kitprof" time -o "$work/fig/$name.warm" "$@" >/dev/null 2>&1 || true
}

echo "== generated modules (internal/benchkit/genmod)"
for n in $sizes; do
	if [[ ! -f $work/gen-$n/go.mod ]]; then
		printf '   gen-%s: ' "$n"
		"$bin/genmod" -o "$work/gen-$n" -lines "$n" -module "example.com/gen$n" | tee "$work/gen-$n.stats"
	fi
done
echo

# Forcing go vet to rerun its analysis. go vet caches a package's result
# under a key that includes the analyzer flags as written, so a flag value
# never used before makes it analyse every package again, with the build
# cache (export data) still warm. Plain go vet gets a fresh -printf.funcs
# name. migrate has no flag that takes a string, so its run spells its
# boolean flags differently each time (strconv.ParseBool takes six
# spellings of each value): every analyzer explicitly enabled, which runs
# the same five as none, and -execworker.external off, its default. That
# is 6^6 combinations; the index comes from the clock.
falses=(false False FALSE f F 0)
trues=(true True TRUE t T 1)
vetflags_migrate() {
	local n=$((($(date +%s%N) / 1000) % 46656)) i out
	out="-execworker.external=${falses[n % 6]}"
	n=$((n / 6))
	for a in execworker pipeipc procglobal cgocall sharedvar; do
		out+=" -$a=${trues[n % 6]}"
		n=$((n / 6))
	done
	echo "$out"
}
vetflag_plain() { echo "-printf.funcs=benchkit$(date +%s%N)"; }

echo "== (a) go vet ${stdpkgs[*]}: plain against migrate as -vettool, analysis forced to rerun"
echo "   warming the build cache (and the vet cache, unforced)"
go vet "${stdpkgs[@]}" >/dev/null 2>&1 || true
go vet -vettool="$bin/migrate" "${stdpkgs[@]}" >/dev/null 2>&1 || true
# go vet exits 1 when it reports anything; plain go vet may find nothing.
# shellcheck disable=SC2046
measure vet-plain "0 1" -C "$root" -- go vet $(vetflag_plain) "${stdpkgs[@]}"
# shellcheck disable=SC2046
measure vet-migrate "0 1" -C "$root" -- go vet -vettool="$bin/migrate" $(vetflags_migrate) "${stdpkgs[@]}"
echo

echo "== (b) migrate check against noopcheck (singlechecker, an analyzer that does nothing)"
warm check-std-noop "0" -C "$root" -- "$bin/noopcheck" "${stdpkgs[@]}"
measure check-std-noop "0" -C "$root" -- "$bin/noopcheck" "${stdpkgs[@]}"
warm check-std-migrate "0 3" -C "$root" -- "$bin/migrate" check "${stdpkgs[@]}"
measure check-std-migrate "0 3" -C "$root" -- "$bin/migrate" check "${stdpkgs[@]}"
warm check-gen-noop "0" -C "$work/gen-$size" -- "$bin/noopcheck" ./...
measure check-gen-noop "0" -C "$work/gen-$size" -- "$bin/noopcheck" ./...
warm check-gen-migrate "0 3" -C "$work/gen-$size" -- "$bin/migrate" check ./...
measure check-gen-migrate "0 3" -C "$work/gen-$size" -- "$bin/migrate" check ./...
echo

echo "== (c) migrate rewrite, dry run (prints the diff, writes nothing)"
warm rewrite-std "0" -C "$root" -- "$bin/migrate" rewrite "${stdpkgs[@]}"
measure rewrite-std "0" -C "$root" -- "$bin/migrate" rewrite "${stdpkgs[@]}"
warm rewrite-gen "0" -C "$work/gen-$size" -- "$bin/migrate" rewrite ./...
measure rewrite-gen "0" -C "$work/gen-$size" -- "$bin/migrate" rewrite ./...
echo "   diff lines: std $(wc -l <"$work/out/rewrite-std.stdout"), gen-$size $(wc -l <"$work/out/rewrite-gen.stdout")"
echo

echo "== (d) migrate check on generated modules of three sizes"
for n in $sizes; do
	warm "grow-$n-noop" "0" -C "$work/gen-$n" -- "$bin/noopcheck" ./...
	measure "grow-$n-noop" "0" -C "$work/gen-$n" -- "$bin/noopcheck" ./...
	warm "grow-$n-migrate" "0 3" -C "$work/gen-$n" -- "$bin/migrate" check ./...
	measure "grow-$n-migrate" "0 3" -C "$work/gen-$n" -- "$bin/migrate" check ./...
done
echo

if [[ $profile != 0 ]]; then
	# kitprof repeats what the commands call, with a CPU profile, and splits
	# the profile by the functions on each sample's stack (package phases).
	echo "== where the time goes: CPU profiles split into phases"
	phase() {
		local n=$1 what=$2 label=$3 dir=$4
		shift 4
		{
			echo "Where the CPU time of migrate $what $label goes (internal/benchkit/cmd/kitprof; \`go tool pprof\` on \`$n.prof\` of a KEEP directory for more):"
			echo
			"$kitprof" "$what" -C "$dir" -cpuprofile "$work/$n.prof" "$@" | sed 's/^/> /'
			echo
			"$kitprof" phases -of "$what" "$kitprof" "$work/$n.prof"
		} >"$work/phases/$n.md"
		cat "$work/phases/$n.md"
		echo
	}
	phase 1-check-std check "${stdpkgs[*]}" "$root" "${stdpkgs[@]}"
	phase 2-check-gen check "gen-$size" "$work/gen-$size" ./...
	phase 3-rewrite-std rewrite "${stdpkgs[*]}" "$root" "${stdpkgs[@]}"
	phase 4-rewrite-gen rewrite "gen-$size" "$work/gen-$size" ./...
	echo "   (profiles in $work; go tool pprof $kitprof FILE)"
	echo
fi

report "$work" >&3
