package main

import (
	"sync"
	"time"
)

// perf holds the timings printed by -stats.
type perf struct {
	Workers int `json:"workers"`
	Tasks   int `json:"tasks"`
	// WallSeconds is the duration of the whole run, from before the first
	// worker is started until the last one has exited.
	WallSeconds float64 `json:"wall_seconds"`
	// MeanStartLatencyUS is the mean, over worker processes, of the time
	// from just before the process was set up to the receipt of its first
	// normalized record, less the worker's own time on that record.
	MeanStartLatencyUS float64 `json:"mean_start_latency_us"`
	// MeanRoundTripUS is the mean, over records, of the time from sending a
	// record to receiving its normalized form, less the worker's time.
	MeanRoundTripUS float64 `json:"mean_round_trip_us"`
}

// meter sums the timings that the goroutines running the workers of one
// run measure, each for its own worker.
type meter struct {
	mu              sync.Mutex
	starts, trips   int
	startNS, tripNS time.Duration
}

// start records the start latency of one worker.
func (m *meter) start(d time.Duration) {
	m.mu.Lock()
	m.starts++
	m.startNS += d
	m.mu.Unlock()
}

// trip records the round-trip overhead of one record.
func (m *meter) trip(d time.Duration) {
	m.mu.Lock()
	m.trips++
	m.tripNS += d
	m.mu.Unlock()
}

// perf returns the figures of a run of workers over tasks records that
// took wall.
func (m *meter) perf(workers, tasks int, wall time.Duration) perf {
	m.mu.Lock()
	defer m.mu.Unlock()
	return perf{
		Workers:            workers,
		Tasks:              tasks,
		WallSeconds:        wall.Seconds(),
		MeanStartLatencyUS: micros(m.startNS, m.starts),
		MeanRoundTripUS:    micros(m.tripNS, m.trips),
	}
}

// micros is the mean of n durations summing to sum, in microseconds.
func micros(sum time.Duration, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(sum.Nanoseconds()) / float64(n) / 1e3
}
