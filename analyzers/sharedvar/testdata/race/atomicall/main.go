// Command atomicall shares a counter and a configuration through
// sync/atomic only.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

type config struct{ limit int }

var (
	requests atomic.Int64
	legacy   int64
	current  atomic.Pointer[config]
)

func handle() {
	requests.Add(1)
	atomic.AddInt64(&legacy, 1)
	if c := current.Load(); c != nil && c.limit < 0 {
		panic("bad limit")
	}
}

func main() {
	current.Store(&config{limit: 10})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				handle()
			}
		}()
	}
	for i := range 50 {
		current.Store(&config{limit: i})
		_ = requests.Load() + atomic.LoadInt64(&legacy)
	}
	wg.Wait()
	fmt.Println(requests.Load(), atomic.LoadInt64(&legacy))
}
