package rewrite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// This file measures what the migration buys: it builds testdata/agentswarm
// as shipped (one process per agent) and as migrated by Run (one goroutine
// per agent), runs both binaries on the same workload and reports, per
// model and agent count, the program's own start latency and round-trip
// figures, task throughput, CPU per task and the peak memory of the whole
// process tree. docs/bench.sh runs it and docs/performance.md discusses the
// results.

// swarmAgentCounts are the agent counts BenchmarkSwarm measures.
var swarmAgentCounts = []int{8, 64, 256}

// swarmMaxTasks caps the workload of the largest runs: 20 tasks per agent
// up to 256 agents, so that one process-model run stays around a second.
const swarmMaxTasks = 20 * 256

// swarmWorkload is the command line of one run of agentswarm.
type swarmWorkload struct {
	agents, tasks, work int
	wait                time.Duration
}

// benchWorkload is the fixed workload of BenchmarkSwarm for n agents: 20
// tasks per agent, each a short hash (50 rounds) and no simulated wait, so
// that what is measured is the cost of the agents and of talking to them,
// not the work they do.
func benchWorkload(n int) swarmWorkload {
	return swarmWorkload{agents: n, tasks: min(20*n, swarmMaxTasks), work: 50}
}

func (w swarmWorkload) args() []string {
	return []string{
		"-agents", strconv.Itoa(w.agents),
		"-tasks", strconv.Itoa(w.tasks),
		"-work", strconv.Itoa(w.work),
		"-wait", w.wait.String(),
		"-timeout", "5m",
		"-stats",
	}
}

// swarmBinaries are the two builds of the example: the original and the
// migrated one.
type swarmBinaries struct {
	process, goroutine string
	// want caches the expected summary per task count; see expected.
	mu   sync.Mutex
	want map[swarmWorkload]string
}

// swarmModels lists the models in the order they are measured.
var swarmModels = []string{"process", "goroutine"}

func (s *swarmBinaries) bin(model string) string {
	if model == "process" {
		return s.process
	}
	return s.goroutine
}

// buildSwarmBinaries copies testdata/agentswarm twice, migrates one copy
// with Run and builds both into tb's temporary directory.
//
// copyTree, goCmd and writeResult in e2e_test.go take a *testing.T, which a
// benchmark does not have, so this does the same three steps for a
// testing.TB with the standard library.
func buildSwarmBinaries(tb testing.TB) *swarmBinaries {
	tb.Helper()
	src := filepath.Join("..", "testdata", "agentswarm")
	tmp := tb.TempDir()
	s := &swarmBinaries{
		process:   filepath.Join(tmp, "agentswarm-process"),
		goroutine: filepath.Join(tmp, "agentswarm-goroutine"),
		want:      map[swarmWorkload]string{},
	}
	for _, model := range swarmModels {
		dir := filepath.Join(tmp, model)
		if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
			tb.Fatalf("copy %s: %v", src, err)
		}
		if model == "goroutine" {
			res, err := Run(Config{Dir: dir, Patterns: []string{"./..."}})
			if err != nil {
				tb.Fatalf("rewrite: %v", err)
			}
			if len(res.Sites) != 1 || res.Sites[0].Level != TypedChannels {
				tb.Fatalf("sites = %+v, want one converted to typed channels", res.Sites)
			}
			for _, f := range res.Files {
				if err := os.WriteFile(f.Path, f.New, f.Mode); err != nil {
					tb.Fatal(err)
				}
			}
		}
		cmd := exec.Command("go", "build", "-o", s.bin(model), ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("build %s model: %v\n%s", model, err, out)
		}
	}
	return s
}

// expected returns the summary a run of w must print. The summary depends
// only on the tasks, not on the number of agents nor on the model, so it
// is what the original program prints with a single agent.
func (s *swarmBinaries) expected(tb testing.TB, w swarmWorkload) string {
	tb.Helper()
	w.agents = 1
	s.mu.Lock()
	defer s.mu.Unlock()
	if want, ok := s.want[w]; ok {
		return want
	}
	r, err := runSwarm(s.process, w, false)
	if err != nil {
		tb.Fatalf("reference run: %v", err)
	}
	if !strings.HasSuffix(r.stdout, "ok\n") {
		tb.Fatalf("reference run printed %q", r.stdout)
	}
	s.want[w] = r.stdout
	return r.stdout
}

// swarmRun is what one run of the binary measured.
type swarmRun struct {
	stdout string
	// stats is the program's own -stats line.
	stats struct {
		Tasks              int     `json:"tasks"`
		MeanStartLatencyUS float64 `json:"mean_start_latency_us"`
		MeanRoundTripUS    float64 `json:"mean_round_trip_us"`
	}
	// wall is the time from just before the program is started to its exit
	// as seen by wait: binary start-up and exit included.
	wall time.Duration
	// cpu is the user plus system CPU time of the whole process tree.
	cpu time.Duration
	// peakRSS is the largest sum of the resident set sizes of the program
	// and all its descendants that was observed, in bytes.
	peakRSS int64
	// samples is how many times the process tree was sampled.
	samples int
}

// runSwarm runs bin once on workload w and measures it. With sample, the
// resident memory of the process tree is sampled while it runs.
func runSwarm(bin string, w swarmWorkload, sample bool) (*swarmRun, error) {
	cmd := exec.Command(bin, w.args()...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr

	r := &swarmRun{}
	var sampler *treeSampler
	if sample {
		sampler = newTreeSampler()
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop := make(chan struct{})
	sampled := make(chan struct{})
	if sample {
		go func() {
			defer close(sampled)
			sampler.root = cmd.Process.Pid
			r.peakRSS, r.samples = samplePeakRSS(sampler, stop)
		}()
	} else {
		close(sampled)
	}
	err := cmd.Wait()
	r.wall = time.Since(start)
	close(stop)
	<-sampled
	if err != nil {
		return nil, fmt.Errorf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(w.args(), " "), err, tail(stderr.String()))
	}
	r.stdout = stdout.String()

	// On Linux, the rusage that wait4 returns for a child is the child's own
	// usage plus that of all the children it waited for (the kernel fills it
	// in with getrusage(child, RUSAGE_BOTH)). The orchestrator waits for
	// every agent process, so this is the CPU time of the whole tree.
	// Verified empirically: with 2 agents and -work 200000 nearly all the
	// CPU is burnt in the agent processes, and the figure here matches that
	// of the goroutine build on the same workload (0.14 s user each), not
	// the few milliseconds the orchestrator process uses itself;
	// TestSwarmBenchSmoke checks this on every run.
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	} else {
		return nil, fmt.Errorf("no rusage on %s", runtime.GOOS)
	}

	// The -stats line is the last JSON line on stderr; the agents' own log
	// lines come before it.
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	last := lines[len(lines)-1]
	if err := json.Unmarshal([]byte(last), &r.stats); err != nil {
		return nil, fmt.Errorf("parse -stats line %q: %v", last, err)
	}
	if r.stats.Tasks != w.tasks {
		return nil, fmt.Errorf("-stats reports %d tasks, want %d", r.stats.Tasks, w.tasks)
	}
	return r, nil
}

// tail returns the last few lines of s.
func tail(s string) string {
	lines := strings.Split(s, "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}

// treeSampler follows the resident memory of a process and all its
// descendants.
//
// Descendants are found through the parent links in /proc/*/stat, which
// every Linux kernel has (/proc/<pid>/task/*/children needs
// CONFIG_PROC_CHILDREN, which some kernels, this benchmark's first host
// among them, lack). Reading the stat file of every process on the machine
// at each sample would cost about 1.3 ms for the 90 processes of that host,
// but a process that was already running when the root was started can
// never become its descendant (an orphan is adopted by init or a
// subreaper, never by a younger process), so only processes that have
// appeared since are read: a sample costs a listing of /proc and one read
// per process of the tree.
type treeSampler struct {
	root int
	old  map[int]bool // processes running before the root was started
	buf  []byte
}

// newTreeSampler lists the processes running now; call it just before
// starting the process to sample, and set root once it is started.
func newTreeSampler() *treeSampler {
	s := &treeSampler{old: map[int]bool{}}
	pids, _ := listProcs()
	for _, p := range pids {
		s.old[p] = true
	}
	return s
}

// listProcs returns the ids of the processes running now.
func listProcs() ([]int, error) {
	d, err := os.Open("/proc")
	if err != nil {
		return nil, err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	pids := make([]int, 0, len(names))
	for _, name := range names {
		if p, err := strconv.Atoi(name); err == nil {
			pids = append(pids, p)
		}
	}
	return pids, nil
}

// sample returns the summed resident set size of the root and its
// descendants in pages, and whether the root was found.
func (s *treeSampler) sample() (int64, bool) {
	pids, err := listProcs()
	if err != nil {
		return 0, false
	}
	rss := map[int]int64{}
	children := map[int][]int{}
	for _, p := range pids {
		if s.old[p] {
			continue
		}
		ppid, pages, ok := s.readStat(p)
		if !ok {
			continue // gone since the listing
		}
		rss[p] = pages
		children[ppid] = append(children[ppid], p)
	}
	if _, ok := rss[s.root]; !ok {
		return 0, false
	}
	var total int64
	tree := []int{s.root}
	for i := 0; i < len(tree); i++ {
		total += rss[tree[i]]
		tree = append(tree, children[tree[i]]...)
	}
	return total, true
}

// readStat returns the parent and the resident set size in pages (the same
// count as VmRSS in /proc/<pid>/status) of process pid.
func (s *treeSampler) readStat(pid int) (ppid int, rss int64, ok bool) {
	data, ok := s.read("/proc/" + strconv.Itoa(pid) + "/stat")
	if !ok {
		return 0, 0, false
	}
	// The command name, field 2, is in parentheses and may contain spaces
	// and parentheses itself: the fields after it start after the last ')'.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := bytes.Fields(data[i+1:])
	// f[0] is field 3 (state), so field k is f[k-3]: the parent is field 4
	// and the resident set size field 24.
	if len(f) < 22 {
		return 0, 0, false
	}
	ppid, err1 := strconv.Atoi(string(f[1]))
	rss, err2 := strconv.ParseInt(string(f[21]), 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return ppid, rss, true
}

// hwm returns the root's own peak resident set size, VmHWM, in bytes.
func (s *treeSampler) hwm() int64 {
	data, ok := s.read("/proc/" + strconv.Itoa(s.root) + "/status")
	if !ok {
		return 0
	}
	_, rest, found := bytes.Cut(data, []byte("\nVmHWM:"))
	if !found {
		return 0
	}
	kb, _, _ := bytes.Cut(bytes.TrimSpace(rest), []byte(" "))
	n, err := strconv.ParseInt(string(kb), 10, 64)
	if err != nil {
		return 0
	}
	return n << 10
}

// read reads a small /proc file into the sampler's buffer. It avoids the
// stat that os.ReadFile makes: /proc files report a size of 0 anyway.
func (s *treeSampler) read(name string) ([]byte, bool) {
	f, err := os.Open(name)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	if s.buf == nil {
		s.buf = make([]byte, 4096)
	}
	n, err := io.ReadFull(f, s.buf)
	if err != nil && err != io.ErrUnexpectedEOF {
		return nil, false
	}
	return s.buf[:n], true
}

// samplePeakRSS samples the summed resident set size of the tree of s
// until stop is closed. It returns the largest sum seen or the root's own
// peak (VmHWM), whichever is larger, in bytes, and the number of samples.
//
// The root's VmHWM covers what sampling alone misses in a program that is
// a single process, as the migrated one is: a peak between two samples or
// after the last one. (The Maxrss of wait4's rusage cannot serve: Linux
// starts it at the peak of the process that forked the child, here the
// test binary, which is larger than the migrated program.)
//
// The sampler keeps out of the way of what it measures: after each sample
// it pauses at least ten times as long as the sample took, so it uses a
// tenth of one CPU at most, however many agent processes there are.
func samplePeakRSS(s *treeSampler, stop <-chan struct{}) (peak int64, samples int) {
	const minPause = time.Millisecond
	page := int64(os.Getpagesize())
	for {
		t0 := time.Now()
		if pages, ok := s.sample(); ok {
			peak = max(peak, pages*page, s.hwm())
			samples++
		}
		pause := max(minPause, 10*time.Since(t0))
		select {
		case <-stop:
			return peak, samples
		case <-time.After(pause):
		}
	}
}

// swarmMetrics are the means over the runs of one model and agent count.
type swarmMetrics struct {
	startUS, rttUS, tasksPerSec, cpuUSPerTask, peakMB, mbPerAgent float64
}

// mib is the "MB" of the reported units.
const mib = 1 << 20

// measureSwarm runs bin n times on workload w, checks that every run prints
// want, and returns the mean metrics.
func measureSwarm(tb testing.TB, bin string, w swarmWorkload, n int, want string) swarmMetrics {
	tb.Helper()
	var sum swarmMetrics
	for i := 0; i < n; i++ {
		r, err := runSwarm(bin, w, true)
		if err != nil {
			tb.Fatal(err)
		}
		if r.stdout != want {
			tb.Fatalf("run %d of %s printed\n%s\nwant\n%s", i, filepath.Base(bin), r.stdout, want)
		}
		sum.startUS += r.stats.MeanStartLatencyUS
		sum.rttUS += r.stats.MeanRoundTripUS
		sum.tasksPerSec += float64(w.tasks) / r.wall.Seconds()
		sum.cpuUSPerTask += float64(r.cpu.Microseconds()) / float64(w.tasks)
		sum.peakMB += float64(r.peakRSS) / mib
		sum.mbPerAgent += float64(r.peakRSS) / mib / float64(w.agents)
	}
	f := float64(n)
	return swarmMetrics{
		startUS:      sum.startUS / f,
		rttUS:        sum.rttUS / f,
		tasksPerSec:  sum.tasksPerSec / f,
		cpuUSPerTask: sum.cpuUSPerTask / f,
		peakMB:       sum.peakMB / f,
		mbPerAgent:   sum.mbPerAgent / f,
	}
}

func (m swarmMetrics) report(b *testing.B) {
	b.ReportMetric(m.startUS, "start-µs")
	b.ReportMetric(m.rttUS, "rtt-µs")
	b.ReportMetric(m.tasksPerSec, "tasks/s")
	b.ReportMetric(m.cpuUSPerTask, "cpu-µs/task")
	b.ReportMetric(m.peakMB, "peak-MB")
	b.ReportMetric(m.mbPerAgent, "MB/agent")
}

func (m swarmMetrics) check(tb testing.TB) {
	tb.Helper()
	for name, v := range map[string]float64{
		"start": m.startUS, "round trip": m.rttUS, "throughput": m.tasksPerSec,
		"cpu": m.cpuUSPerTask, "peak memory": m.peakMB,
	} {
		if !(v > 0) || math.IsInf(v, 0) {
			tb.Errorf("%s metric = %v, want a positive number", name, v)
		}
	}
}

func skipUnlessLinux(tb testing.TB) {
	tb.Helper()
	if runtime.GOOS != "linux" {
		tb.Skip("measures processes through /proc and wait4's rusage: Linux only")
	}
}

// BenchmarkSwarm compares the example run as processes and, migrated, as
// goroutines. One iteration is one run of the program; the metrics are the
// means over the iterations. Run it with docs/bench.sh.
func BenchmarkSwarm(b *testing.B) {
	skipUnlessLinux(b)
	bins := buildSwarmBinaries(b)
	for _, model := range swarmModels {
		for _, n := range swarmAgentCounts {
			w := benchWorkload(n)
			want := bins.expected(b, w)
			b.Run(fmt.Sprintf("%s/agents=%d", model, n), func(b *testing.B) {
				measureSwarm(b, bins.bin(model), w, b.N, want).report(b)
			})
		}
	}
}

// TestSwarmBenchSmoke runs BenchmarkSwarm's harness once, small, so that it
// keeps working without anyone running the benchmark.
func TestSwarmBenchSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the example twice")
	}
	skipUnlessLinux(t)
	bins := buildSwarmBinaries(t)

	w := swarmWorkload{agents: 4, tasks: 40, work: 50}
	want := bins.expected(t, w)
	for _, model := range swarmModels {
		t.Run(model, func(t *testing.T) {
			m := measureSwarm(t, bins.bin(model), w, 1, want)
			m.check(t)
			t.Logf("%s: %+v", model, m)
		})
	}

	// The CPU figure relies on wait4's rusage covering the agent processes;
	// see runSwarm. Give the agents nearly all the CPU work: if their time
	// were not counted, the process model would show a small fraction of
	// what the goroutine model burns on the same tasks.
	t.Run("cpu-covers-agents", func(t *testing.T) {
		heavy := swarmWorkload{agents: 2, tasks: 16, work: 100000}
		var cpu [2]time.Duration
		for i, model := range swarmModels {
			r, err := runSwarm(bins.bin(model), heavy, false)
			if err != nil {
				t.Fatal(err)
			}
			cpu[i] = r.cpu
		}
		t.Logf("CPU for the same work: process tree %v, goroutines %v", cpu[0], cpu[1])
		if cpu[0] < cpu[1]/2 {
			t.Errorf("process tree CPU %v is less than half the goroutine model's %v: the agents' CPU is not counted", cpu[0], cpu[1])
		}
	})
}
