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

// This file measures what the migration buys: it builds each example
// program of testdata as shipped (one process per worker) and as migrated
// by Run (one goroutine per worker), runs both binaries on the same
// workloads and reports, per program, model and worker count, the
// program's own start latency and round-trip figures where it prints them,
// task throughput, CPU per task and the peak memory of the whole process
// tree. docs/bench.sh runs it and docs/performance.md discusses the
// results.

// swarmWorkerCounts are the worker counts BenchmarkSwarm measures.
var swarmWorkerCounts = []int{8, 64, 256}

// swarmWorkload is what one run of an example program is asked to do.
type swarmWorkload struct {
	workers, tasks int
	// work is the CPU work per task, in the program's own unit (hashing
	// rounds); programs without such a knob ignore it, as they do wait.
	work int
	wait time.Duration
}

// swarmProgram is an example program of testdata that BenchmarkSwarm runs
// in both models. Every one prints on stdout a summary that depends only
// on the tasks, never on the number of workers.
type swarmProgram struct {
	name string // the PROGRAM part of the benchmark's name
	dir  string // the module, under testdata
	// args is the command line of a run of w.
	args func(w swarmWorkload) []string
	// tasks is the benchmark's workload size for n workers.
	tasks func(n int) int
	// stats: the program prints its -stats JSON line last on stderr,
	// with the start latency and round-trip figures.
	stats bool
}

// swarmPrograms are the example programs, each a shape of worker the
// rewriter converts: a JSON-lines pool turned into typed channels
// (agentswarm), gob and line protocols over in-process pipes and
// one-shot Output workers (digest), and workers whose C calls are
// serialized (cgoworker).
//
// Long-lived workers get 20 tasks each, up to 256 workers, so that one
// process-model run stays around a second; one-shot workers start a
// process per task, so they get 4 tasks each.
var swarmPrograms = []*swarmProgram{
	{
		name: "agentswarm", dir: "agentswarm", stats: true,
		tasks: func(n int) int { return min(20*n, 20*256) },
		args: func(w swarmWorkload) []string {
			return []string{"-agents", strconv.Itoa(w.workers), "-tasks", strconv.Itoa(w.tasks),
				"-work", strconv.Itoa(w.work), "-wait", w.wait.String(), "-timeout", "5m", "-stats"}
		},
	},
	digestProgram("gob", 20),
	digestProgram("lines", 20),
	digestProgram("once", 4),
	{
		name: "cgoworker", dir: "cgoworker", stats: true,
		tasks: func(n int) int { return min(20*n, 20*256) },
		args: func(w swarmWorkload) []string {
			return []string{"-workers", strconv.Itoa(w.workers), "-records", strconv.Itoa(w.tasks), "-timeout", "5m", "-stats"}
		},
	},
}

// digestProgram is testdata/digest run with workers of one shape.
func digestProgram(shape string, perWorker int) *swarmProgram {
	return &swarmProgram{
		name: "digest-" + shape, dir: "digest", stats: true,
		tasks: func(n int) int { return min(perWorker*n, perWorker*256) },
		args: func(w swarmWorkload) []string {
			return []string{"-shape", shape, "-workers", strconv.Itoa(w.workers), "-docs", strconv.Itoa(w.tasks),
				"-work", strconv.Itoa(w.work), "-timeout", "5m", "-stats"}
		},
	}
}

// benchWorkload is the fixed workload of BenchmarkSwarm for n workers:
// each task a short hash (50 rounds) and no simulated wait, so that what
// is measured is the cost of the workers and of talking to them, not the
// work they do.
func (p *swarmProgram) benchWorkload(n int) swarmWorkload {
	return swarmWorkload{workers: n, tasks: p.tasks(n), work: 50}
}

// swarmBinaries are the two builds of every example: the original and the
// migrated one, by module directory.
type swarmBinaries struct {
	process, goroutine map[string]string
	// want caches the expected summary per program and workload; see
	// expected.
	mu   sync.Mutex
	want map[swarmWant]string
}

type swarmWant struct {
	program string
	w       swarmWorkload
}

// swarmModels lists the models in the order they are measured.
var swarmModels = []string{"process", "goroutine"}

func (s *swarmBinaries) bin(p *swarmProgram, model string) string {
	if model == "process" {
		return s.process[p.dir]
	}
	return s.goroutine[p.dir]
}

// buildSwarmBinaries copies the modules of programs twice each, migrates
// one copy with Run and builds both into tb's temporary directory.
func buildSwarmBinaries(tb testing.TB, programs []*swarmProgram) *swarmBinaries {
	tb.Helper()
	tmp := tb.TempDir()
	s := &swarmBinaries{process: map[string]string{}, goroutine: map[string]string{}, want: map[swarmWant]string{}}
	for _, p := range programs {
		if _, done := s.process[p.dir]; done {
			continue
		}
		for _, model := range swarmModels {
			dir := copyTree(tb, filepath.Join("..", "testdata", p.dir))
			bin := filepath.Join(tmp, p.dir+"-"+model)
			if model == "goroutine" {
				migrateExample(tb, dir)
				s.goroutine[p.dir] = bin
			} else {
				s.process[p.dir] = bin
			}
			goCmd(tb, dir, "build", "-o", bin, ".")
		}
	}
	return s
}

// migrateExample rewrites the copy of an example in dir in place and
// checks that every spawn site was converted.
func migrateExample(tb testing.TB, dir string) {
	tb.Helper()
	res, err := Run(Config{Dir: dir, Patterns: []string{"./..."}})
	if err != nil {
		tb.Fatalf("rewrite %s: %v", dir, err)
	}
	if len(res.Sites) == 0 {
		tb.Fatalf("rewrite %s: no spawn sites", dir)
	}
	for _, s := range res.Sites {
		if s.Level == Unchanged {
			tb.Fatalf("rewrite %s: site %s left unchanged: %s", dir, s.Pos, s.Reason)
		}
	}
	writeResult(tb, res)
}

// expected returns the summary a run of p on w must print. The summary
// depends only on the tasks, not on the number of workers nor on the
// model, so it is what the original program prints with a single worker.
func (s *swarmBinaries) expected(tb testing.TB, p *swarmProgram, w swarmWorkload) string {
	tb.Helper()
	w.workers = 1
	s.mu.Lock()
	defer s.mu.Unlock()
	key := swarmWant{p.name, w}
	if want, ok := s.want[key]; ok {
		return want
	}
	r, err := runSwarm(p, s.bin(p, "process"), w, false)
	if err != nil {
		tb.Fatalf("reference run: %v", err)
	}
	if r.stdout == "" {
		tb.Fatalf("reference run of %s printed nothing", p.name)
	}
	s.want[key] = r.stdout
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

// runSwarm runs bin, a build of p, once on workload w and measures it.
// With sample, the resident memory of the process tree is sampled while it
// runs.
func runSwarm(p *swarmProgram, bin string, w swarmWorkload, sample bool) (*swarmRun, error) {
	cmd := exec.Command(bin, p.args(w)...)
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
		return nil, fmt.Errorf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(p.args(w), " "), err, tail(stderr.String()))
	}
	r.stdout = stdout.String()

	// On Linux, the rusage that wait4 returns for a child is the child's own
	// usage plus that of all the children it waited for (the kernel fills it
	// in with getrusage(child, RUSAGE_BOTH)). The orchestrator waits for
	// every worker process, so this is the CPU time of the whole tree.
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

	// The -stats line is the last JSON line on stderr; the workers' own
	// log lines come before it.
	if !p.stats {
		return r, nil
	}
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

// swarmMetrics are the means over the runs of one program, model and
// worker count.
type swarmMetrics struct {
	startUS       float64 // the program's mean worker start latency
	rttUS         float64 // the program's mean round-trip overhead
	tasksPerSec   float64 // tasks over the wall time of the whole run
	cpuUSPerTask  float64 // CPU time of the process tree per task
	peakMB        float64 // peak summed RSS of the process tree
	mbPerWorker   float64 // peakMB per worker
	anonPerWorker float64 // peak summed anonymous memory per worker
	samples       float64 // memory samples per run
}

// swarmNoSample turns the memory sampler off (the memory metrics are then
// 0), to check that it does not disturb the other figures:
// SWARMBENCH_NOSAMPLE=1 go test -bench Swarm ...
var swarmNoSample = os.Getenv("SWARMBENCH_NOSAMPLE") != ""

// mib is the "MB" of the reported units.
const mib = 1 << 20

// measureSwarm runs bin, a build of p, n times on workload w, checks that
// every run prints want, and returns the mean metrics.
func measureSwarm(tb testing.TB, p *swarmProgram, bin string, w swarmWorkload, n int, want string) swarmMetrics {
	tb.Helper()
	var sum swarmMetrics
	for i := 0; i < n; i++ {
		r, err := runSwarm(p, bin, w, !swarmNoSample)
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
		sum.mbPerWorker += float64(r.peak.rss) / mib / float64(w.workers)
		sum.anonPerWorker += float64(r.peak.anon) / mib / float64(w.workers)
		sum.samples += float64(r.peak.samples)
	}
	f := float64(n)
	return swarmMetrics{
		startUS:       sum.startUS / f,
		rttUS:         sum.rttUS / f,
		tasksPerSec:   sum.tasksPerSec / f,
		cpuUSPerTask:  sum.cpuUSPerTask / f,
		peakMB:        sum.peakMB / f,
		mbPerWorker:   sum.mbPerWorker / f,
		anonPerWorker: sum.anonPerWorker / f,
		samples:       sum.samples / f,
	}
}

// report reports the metrics of a run of p; the program's own figures
// only where it prints them.
func (m swarmMetrics) report(b *testing.B, p *swarmProgram) {
	if p.stats {
		b.ReportMetric(m.startUS, "start-µs")
		b.ReportMetric(m.rttUS, "rtt-µs")
	}
	b.ReportMetric(m.tasksPerSec, "tasks/s")
	b.ReportMetric(m.cpuUSPerTask, "cpu-µs/task")
	b.ReportMetric(m.peakMB, "peak-MB")
	b.ReportMetric(m.mbPerWorker, "MB/worker")
	b.ReportMetric(m.anonPerWorker, "anon-MB/worker")
}

func (m swarmMetrics) check(tb testing.TB, p *swarmProgram) {
	tb.Helper()
	metrics := map[string]float64{"throughput": m.tasksPerSec, "cpu": m.cpuUSPerTask}
	if p.stats {
		metrics["start"], metrics["round trip"] = m.startUS, m.rttUS
	}
	if !swarmNoSample {
		metrics["peak memory"] = m.peakMB
		metrics["anonymous memory"] = m.anonPerWorker
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

// BenchmarkSwarm compares each example run as processes and, migrated, as
// goroutines. One iteration is one run of the program; the metrics are the
// means over the iterations. Run it with docs/bench.sh.
func BenchmarkSwarm(b *testing.B) {
	skipUnlessLinux(b)
	bins := buildSwarmBinaries(b, swarmPrograms)
	for _, p := range swarmPrograms {
		for _, model := range swarmModels {
			for _, n := range swarmWorkerCounts {
				w := p.benchWorkload(n)
				b.Run(fmt.Sprintf("%s/%s/workers=%d", p.name, model, n), func(b *testing.B) {
					// The reference run is made here, not before b.Run, so
					// that a -bench pattern that skips this benchmark skips
					// it too.
					want := bins.expected(b, p, w)
					measureSwarm(b, p, bins.bin(p, model), w, b.N, want).report(b, p)
				})
			}
		}
	}
}

// TestSwarmBenchSmoke runs BenchmarkSwarm's harness once, small, on every
// example, so that it keeps working without anyone running the benchmark.
func TestSwarmBenchSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every example twice")
	}
	skipUnlessLinux(t)
	bins := buildSwarmBinaries(t, swarmPrograms)

	// A short wait per task makes an agentswarm run last some 20ms, long
	// enough for the memory sampler to see it even on a busy machine;
	// the other programs have no wait and get more work instead.
	for _, p := range swarmPrograms {
		w := swarmWorkload{workers: 4, tasks: 40, work: 2000}
		if p.name == "agentswarm" {
			w.work, w.wait = 50, 2*time.Millisecond
		}
		want := bins.expected(t, p, w)
		for _, model := range swarmModels {
			t.Run(p.name+"/"+model, func(t *testing.T) {
				m := measureSwarm(t, p, bins.bin(p, model), w, 1, want)
				m.check(t, p)
				t.Logf("%s %s: %+v", p.name, model, m)
			})
		}
	}

	// The CPU figure relies on wait4's rusage covering the worker
	// processes; see runSwarm. Give the agents nearly all the CPU work: if
	// their time were not counted, the process model would show a small
	// fraction of what the goroutine model burns on the same tasks.
	t.Run("cpu-covers-agents", func(t *testing.T) {
		p := swarmPrograms[0]
		heavy := swarmWorkload{workers: 2, tasks: 16, work: 100000}
		var cpu [2]time.Duration
		for i, model := range swarmModels {
			r, err := runSwarm(p, bins.bin(p, model), heavy, false)
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
