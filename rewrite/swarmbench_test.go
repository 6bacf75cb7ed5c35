package rewrite

import (
	"bytes"
	"encoding/json"
	"fmt"
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
		dir := copyTree(tb, src)
		if model == "goroutine" {
			migrateSwarm(tb, dir)
		}
		goCmd(tb, dir, "build", "-o", s.bin(model), ".")
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
	// peak is the memory of the program and all its descendants at its
	// highest.
	peak treePeak
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
			r.peak = samplePeak(sampler, stop)
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
// Descendants are found through the parent links in /proc/<pid>/stat,
// which every Linux kernel has (/proc/<pid>/task/*/children needs
// CONFIG_PROC_CHILDREN, which some kernels, this benchmark's first host
// among them, lack). Reading the stat file of every process on the machine
// at each sample would cost about 1.3 ms for the 90 processes of that host,
// but a process that was already running when the root was started can
// never become its descendant (an orphan is adopted by init or a
// subreaper, never by a younger process), so only processes that have
// appeared since are looked at, and the parent of each is read once: a
// sample costs a listing of /proc and a read of /proc/<pid>/statm per
// process of the tree. (A descendant would be missed if it were given the
// id of an older process that exited during the run; Linux hands out ids
// in a cycle, so that takes a wraparound of the id space within one run.)
type treeSampler struct {
	root int
	old  map[int]bool // processes running before the root was started
	ppid map[int]int  // parents of the processes seen since
	buf  []byte
}

// newTreeSampler lists the processes running now; call it just before
// starting the process to sample, and set root once it is started.
func newTreeSampler() *treeSampler {
	s := &treeSampler{old: map[int]bool{}, ppid: map[int]int{}}
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

// treeMemory is the memory of a process tree at one moment, in pages.
type treeMemory struct {
	// rss is the sum of the resident set sizes (VmRSS): what the brief of
	// the benchmark asks for, but a page of the binary's text that n
	// processes share counts n times.
	rss int64
	// anon is the sum of the resident anonymous memory (RssAnon: heap,
	// stacks, runtime data), which no two of these processes share; it
	// leaves out the binary's text altogether.
	anon int64
}

// sample returns the memory of the root and its descendants, and whether
// the root was found.
func (s *treeSampler) sample() (treeMemory, bool) {
	var m treeMemory
	pids, err := listProcs()
	if err != nil {
		return m, false
	}
	live := make(map[int]bool, len(pids))
	children := map[int][]int{}
	for _, p := range pids {
		if s.old[p] {
			continue
		}
		live[p] = true
		ppid, ok := s.ppid[p]
		if !ok {
			if ppid, ok = s.readPPID(p); !ok {
				continue // gone since the listing
			}
			s.ppid[p] = ppid
		}
		children[ppid] = append(children[ppid], p)
	}
	for p := range s.ppid {
		if !live[p] {
			delete(s.ppid, p) // exited: its id may be reused
		}
	}
	if !live[s.root] {
		return m, false
	}
	tree := []int{s.root}
	for i := 0; i < len(tree); i++ {
		if rss, shared, ok := s.readStatm(tree[i]); ok {
			m.rss += rss
			m.anon += rss - shared
		}
		tree = append(tree, children[tree[i]]...)
	}
	return m, true
}

// readPPID returns the parent of process pid.
func (s *treeSampler) readPPID(pid int) (int, bool) {
	data, ok := s.read("/proc/" + strconv.Itoa(pid) + "/stat")
	if !ok {
		return 0, false
	}
	// The command name, field 2, is in parentheses and may contain spaces
	// and parentheses itself: the fields after it start after the last ')'.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, false
	}
	// Then come the state (field 3) and the parent (field 4).
	f := bytes.Fields(data[i+1:])
	if len(f) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(string(f[1]))
	return ppid, err == nil
}

// readStatm returns the resident set size of process pid and the part of
// it that is file-backed or shared memory (RssFile+RssShmem), in pages.
func (s *treeSampler) readStatm(pid int) (rss, shared int64, ok bool) {
	data, ok := s.read("/proc/" + strconv.Itoa(pid) + "/statm")
	if !ok {
		return 0, 0, false
	}
	// size resident shared text lib data dt
	f := bytes.Fields(data)
	if len(f) < 3 {
		return 0, 0, false
	}
	rss, err1 := strconv.ParseInt(string(f[1]), 10, 64)
	shared, err2 := strconv.ParseInt(string(f[2]), 10, 64)
	return rss, shared, err1 == nil && err2 == nil
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

// read reads a small /proc file into the sampler's buffer, with bare
// system calls: os.Open would also stat the file and try to register it
// with the network poller, which costs more than the read itself.
func (s *treeSampler) read(name string) ([]byte, bool) {
	fd, err := syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, false
	}
	defer syscall.Close(fd)
	if s.buf == nil {
		s.buf = make([]byte, 4096)
	}
	n := 0
	for n < len(s.buf) {
		k, err := syscall.Read(fd, s.buf[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, false
		}
		if k == 0 {
			break
		}
		n += k
	}
	return s.buf[:n], true
}

// treePeak is what samplePeak found, in bytes.
type treePeak struct {
	rss, anon int64
	samples   int
}

// samplePeak samples the memory of the tree of s until stop is closed and
// returns the largest sums seen. The peak resident set size is also at
// least the root's own peak, VmHWM: in a program that is a single process,
// as the migrated one is, that covers a peak between two samples. (The
// Maxrss of wait4's rusage cannot serve: Linux starts it at the peak of the
// process that forked the child, here the test binary, which is larger
// than the migrated program.)
//
// The sampler keeps out of the way of what it measures: after each sample
// it pauses ten times as long as the sample took in CPU time, so it uses a
// tenth of one CPU at most however many agent processes there are, and it
// does not sample less often just because the agents keep the CPUs busy.
// The last sample may come up to a pause before the program exits, which
// is at least 250µs.
func samplePeak(s *treeSampler, stop <-chan struct{}) treePeak {
	// Locked to its thread, so that the thread's CPU time is the sampler's.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const minPause = 250 * time.Microsecond
	page := int64(os.Getpagesize())
	var p treePeak
	for {
		t0, c0 := time.Now(), threadCPU()
		if m, ok := s.sample(); ok {
			p.rss = max(p.rss, m.rss*page, s.hwm())
			p.anon = max(p.anon, m.anon*page)
			p.samples++
		}
		cost := threadCPU() - c0
		if c0 < 0 || cost < 0 {
			cost = time.Since(t0)
		}
		select {
		case <-stop:
			return p
		case <-time.After(max(minPause, 10*cost)):
		}
	}
}

// threadCPU returns the CPU time the calling thread has used, or -1.
func threadCPU() time.Duration {
	const rusageThread = 1 // RUSAGE_THREAD, Linux only
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// swarmMetrics are the means over the runs of one model and agent count.
type swarmMetrics struct {
	startUS      float64 // the program's mean agent start latency
	rttUS        float64 // the program's mean round-trip overhead
	tasksPerSec  float64 // tasks over the wall time of the whole run
	cpuUSPerTask float64 // CPU time of the process tree per task
	peakMB       float64 // peak summed RSS of the process tree
	mbPerAgent   float64 // peakMB per agent
	anonPerAgent float64 // peak summed anonymous memory per agent
	samples      float64 // memory samples per run
}

// swarmNoSample turns the memory sampler off (the memory metrics are then
// 0), to check that it does not disturb the other figures:
// SWARMBENCH_NOSAMPLE=1 go test -bench Swarm ...
var swarmNoSample = os.Getenv("SWARMBENCH_NOSAMPLE") != ""

// mib is the "MB" of the reported units.
const mib = 1 << 20

// measureSwarm runs bin n times on workload w, checks that every run prints
// want, and returns the mean metrics.
func measureSwarm(tb testing.TB, bin string, w swarmWorkload, n int, want string) swarmMetrics {
	tb.Helper()
	var sum swarmMetrics
	for i := 0; i < n; i++ {
		r, err := runSwarm(bin, w, !swarmNoSample)
		if err != nil {
			tb.Fatal(err)
		}
		if r.stdout != want {
			tb.Fatalf("run %d of %s printed\n%s\nwant\n%s", i, filepath.Base(bin), r.stdout, want)
		}
		sum.startUS += r.stats.MeanStartLatencyUS
		sum.rttUS += r.stats.MeanRoundTripUS
		sum.tasksPerSec += float64(w.tasks) / r.wall.Seconds()
		sum.cpuUSPerTask += float64(r.cpu.Nanoseconds()) / 1e3 / float64(w.tasks)
		sum.peakMB += float64(r.peak.rss) / mib
		sum.mbPerAgent += float64(r.peak.rss) / mib / float64(w.agents)
		sum.anonPerAgent += float64(r.peak.anon) / mib / float64(w.agents)
		sum.samples += float64(r.peak.samples)
	}
	f := float64(n)
	return swarmMetrics{
		startUS:      sum.startUS / f,
		rttUS:        sum.rttUS / f,
		tasksPerSec:  sum.tasksPerSec / f,
		cpuUSPerTask: sum.cpuUSPerTask / f,
		peakMB:       sum.peakMB / f,
		mbPerAgent:   sum.mbPerAgent / f,
		anonPerAgent: sum.anonPerAgent / f,
		samples:      sum.samples / f,
	}
}

func (m swarmMetrics) report(b *testing.B) {
	b.ReportMetric(m.startUS, "start-µs")
	b.ReportMetric(m.rttUS, "rtt-µs")
	b.ReportMetric(m.tasksPerSec, "tasks/s")
	b.ReportMetric(m.cpuUSPerTask, "cpu-µs/task")
	b.ReportMetric(m.peakMB, "peak-MB")
	b.ReportMetric(m.mbPerAgent, "MB/agent")
	b.ReportMetric(m.anonPerAgent, "anon-MB/agent")
}

func (m swarmMetrics) check(tb testing.TB) {
	tb.Helper()
	metrics := map[string]float64{
		"start": m.startUS, "round trip": m.rttUS, "throughput": m.tasksPerSec, "cpu": m.cpuUSPerTask,
	}
	if !swarmNoSample {
		metrics["peak memory"] = m.peakMB
		metrics["anonymous memory"] = m.anonPerAgent
		metrics["samples"] = m.samples
	}
	for name, v := range metrics {
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

	// A short wait per task makes a run last some 20ms, long enough for
	// the memory sampler to see it even on a busy machine.
	w := swarmWorkload{agents: 4, tasks: 40, work: 50, wait: 2 * time.Millisecond}
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
