package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"
)

// digested is the digest of one document.
type digested struct {
	kind   string
	digest uint64
}

// perf holds the timings printed by -stats.
type perf struct {
	Workers int `json:"workers"`
	Tasks   int `json:"tasks"`
	// MeanStartLatencyUS is the mean, over worker processes, of the time
	// from just before the process was set up to the receipt of its first
	// digest, less the worker's own time on that document.
	MeanStartLatencyUS float64 `json:"mean_start_latency_us"`
	// MeanRoundTripUS is the mean, over documents, of the time from
	// sending a document to receiving its digest, less the worker's time.
	MeanRoundTripUS float64 `json:"mean_round_trip_us"`
}

// meter sums the timings the worker goroutines of one run measure.
type meter struct {
	mu              sync.Mutex
	starts, trips   int
	startNS, tripNS time.Duration
}

func (m *meter) start(d time.Duration) {
	m.mu.Lock()
	m.starts++
	m.startNS += d
	m.mu.Unlock()
}

func (m *meter) trip(d time.Duration) {
	m.mu.Lock()
	m.trips++
	m.tripNS += d
	m.mu.Unlock()
}

func micros(sum time.Duration, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(sum.Nanoseconds()) / float64(n) / 1e3
}

// run digests docs on workers of the given shape, at most workers at a
// time, and stops at the first error, which cancels the other workers.
func run(ctx context.Context, shape string, workers int, docs []doc) (summary, perf, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, perf{}, fmt.Errorf("locate own executable: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	queue := make(chan doc, len(docs))
	for _, d := range docs {
		queue <- d
	}
	close(queue)
	out := make(chan digested, len(docs))
	var (
		m        meter
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	fail := func(err error) {
		errOnce.Do(func() {
			firstErr = err
			cancel()
		})
	}
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			switch shape {
			case gobRole:
				err = runGobWorker(ctx, exe, queue, out, &m)
			case linesRole:
				err = runLinesWorker(ctx, exe, queue, out, &m)
			default:
				err = runOnceWorkers(ctx, exe, queue, out, &m)
			}
			if err != nil {
				fail(err)
			}
		}()
	}
	wg.Wait()
	close(out)
	if firstErr != nil {
		return nil, perf{}, firstErr
	}

	sum := summary{}
	n := 0
	for d := range out {
		sum.add(d.kind, d.digest)
		n++
	}
	if n != len(docs) {
		return nil, perf{}, fmt.Errorf("%d of %d documents digested", n, len(docs))
	}
	return sum, perf{
		Workers:            workers,
		Tasks:              n,
		MeanStartLatencyUS: micros(m.startNS, m.starts),
		MeanRoundTripUS:    micros(m.tripNS, m.trips),
	}, nil
}

// runOnceWorkers digests documents from docs one process each until the
// channel is drained or ctx ends.
func runOnceWorkers(ctx context.Context, exe string, docs <-chan doc, out chan<- digested, m *meter) error {
	for d := range docs {
		digest, err := runOnce(ctx, exe, d, m)
		if err != nil {
			return err
		}
		out <- digested{kind: d.Kind, digest: digest}
	}
	return nil
}
