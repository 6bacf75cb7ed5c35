// Command rlockread counts under the write lock of an RWMutex and reads
// the count without any lock while the counting goes on.
package main

import (
	"fmt"
	"strconv"
	"sync"
)

type stats struct {
	mu    sync.RWMutex
	count int
}

func (s *stats) add() {
	s.mu.Lock()
	s.count++ // want `s\.count is written in \(\*stats\)\.add by the goroutine started at main\.go:32 and read in \(\*stats\)\.report by main while it runs; nothing waits for the goroutine in between, and only the first holds s\.mu`
	s.mu.Unlock()
}

func (s *stats) report() string {
	n := s.count // related `s\.count is read here by main while it runs`
	return strconv.Itoa(n)
}

func main() {
	s := &stats{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				s.add()
			}
		}()
	}
	for range 100 {
		_ = s.report()
	}
	wg.Wait()
	fmt.Println(s.report())
}
