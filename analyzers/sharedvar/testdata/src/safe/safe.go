// Package safe holds patterns that order or guard their accesses in ways
// the analyzer must see, each reduced from the standard library.
package safe

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

func compute() (int, error) { return 1, nil }

// selectWait gives up on cancellation, but only after the goroutine is
// done: every case that reaches the return waited for it.
func selectWait(ctx context.Context) (int, error) {
	var (
		n   int
		err error
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		n, err = compute()
	}()
	select {
	case <-ctx.Done():
		<-done
		return 0, ctx.Err()
	case <-done:
	}
	return n, err
}

// A sync.Once done in one function guards reads in another that only
// runs after it, as net's threadLimit does.
var (
	limitOnce sync.Once
	limit     chan struct{}
)

func acquire() {
	limitOnce.Do(func() { limit = make(chan struct{}, 4) })
	limit <- struct{}{}
}

func release() { <-limit }

func throttled(work func()) {
	acquire()
	go func() {
		defer release()
		work()
	}()
}

// conn sets up its condition variable under its mutex the first time it
// is locked; code that took the lock once sees it, as net/http's
// connReader does.
type conn struct {
	mu   sync.Mutex
	cond *sync.Cond
	busy bool
}

func (c *conn) lock() {
	c.mu.Lock()
	if c.cond == nil {
		c.cond = sync.NewCond(&c.mu)
	}
}

func (c *conn) unlock() { c.mu.Unlock() }

func (c *conn) background() {
	c.lock()
	c.busy = false
	c.unlock()
	c.cond.Broadcast()
}

func (c *conn) start() {
	c.lock()
	defer c.unlock()
	c.busy = true
	go c.background()
}

func (c *conn) abort() {
	c.lock()
	defer c.unlock()
	c.busy = false
}

func (c *conn) serve() {
	c.start()
	c.abort()
}

// deadline returns a method value of an atomic: taking it reads nothing.
func deadline() func() bool {
	var expired atomic.Bool
	go func() { expired.Store(true) }()
	return expired.Load
}

var errFail = errors.New("fail")

// cmd cleans up in a deferred function, only on the path that started
// nothing, as os/exec's Start does.
type cmd struct {
	pipes []int
	done  chan struct{}
}

func (c *cmd) start(fail bool) error {
	started := false
	defer func() {
		if !started {
			c.pipes = nil
		}
	}()
	if fail {
		return errFail
	}
	c.done = make(chan struct{})
	started = true
	go func() {
		_ = len(c.pipes)
		close(c.done)
	}()
	return nil
}

// job is finished through a callback the analysis does not follow, which
// closes done; the analysis takes it to, since the goroutine hands the
// callback the job whose channel is waited on.
type job struct {
	result int
	notify func()
	done   chan struct{}
}

func runJob(j *job) int {
	go func() {
		j.result = 42
		j.notify()
	}()
	<-j.done
	return j.result
}

// lazy sets up a table under a mutex, checking for nil, before it starts
// the goroutine that reads it; the setup in later calls finds it set.
type lazy struct {
	mu    sync.Mutex
	table map[string]int
}

func (l *lazy) setup() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.table == nil {
		l.table = map[string]int{}
		go l.read()
	}
}

func (l *lazy) read() { _ = len(l.table) }

func (l *lazy) use() {
	l.setup()
	l.setup()
}
