// Command valuereceiver counts under a mutex in a pointer method and
// reads the count through a value receiver, whose copy is made unlocked.
package main

import (
	"fmt"
	"sync"
)

type stats struct {
	mu   sync.Mutex
	hits int
}

func (s *stats) hit() {
	s.mu.Lock()
	s.hits++ // want `st\.hits is written in \(\*stats\)\.hit by the goroutine started at main\.go:30 and read \(copied for the value receiver of stats\.total\) by main while it runs; nothing waits for the goroutine in between, and only the first holds st\.mu`
	s.mu.Unlock()
}

func (s stats) total() int {
	return s.hits
}

func main() {
	st := &stats{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				st.hit()
			}
		}()
	}
	sum := 0
	for range 100 {
		sum += st.total() // related `st is read \(copied for the value receiver of stats\.total\) here by main while it runs`
	}
	wg.Wait()
	fmt.Println(sum > 0)
}
