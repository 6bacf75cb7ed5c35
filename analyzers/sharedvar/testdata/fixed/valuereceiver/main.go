// Command valuereceiver counts under a mutex in a pointer method and
// reads the count through a pointer method that holds the same mutex,
// so that no copy of the struct is made unlocked.
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
	s.hits++
	s.mu.Unlock()
}

func (s *stats) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
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
		sum += st.total()
	}
	wg.Wait()
	fmt.Println(st.total())
}
