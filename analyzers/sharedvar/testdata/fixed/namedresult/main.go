// Command namedresult returns its result after a timeout while the
// goroutine computing it still runs; both hold a mutex declared beside
// the result. The result is no longer named: a return statement would
// write it, and does so after any deferred Unlock.
package main

import (
	"fmt"
	"sync"
	"time"
)

func slowSum(n int) int {
	time.Sleep(100 * time.Millisecond)
	return n * (n + 1) / 2
}

func sum(n int) int {
	var total int
	var totalMu sync.Mutex // guards total
	done := make(chan struct{})
	go func() {
		defer close(done)
		s := slowSum(n)
		totalMu.Lock()
		total = s
		totalMu.Unlock()
	}()
	select {
	case <-done:
	case <-time.After(time.Millisecond):
	}
	totalMu.Lock()
	defer totalMu.Unlock()
	return total
}

func main() {
	fmt.Println(sum(10))
	time.Sleep(300 * time.Millisecond)
}
