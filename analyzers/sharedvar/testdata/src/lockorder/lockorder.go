// Package lockorder pins a race the analyzer misses. Taking a mutex is
// taken to follow the goroutine's Unlock of it, though nothing says the
// goroutine got there first: the return after the caller's Lock and
// Unlock writes the named result, and the goroutine can still write it
// under the lock afterwards.
package lockorder

import (
	"sync"
	"time"
)

func Sum(n int) (total int) {
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(100 * time.Millisecond)
		mu.Lock()
		total = n
		mu.Unlock()
	}()
	select {
	case <-done:
	case <-time.After(time.Millisecond):
	}
	mu.Lock()
	t := total
	mu.Unlock()
	return t // races with the write of the goroutine, unreported
}
