// Command partiallock guards a counter with a mutex in one method and
// resets it without the mutex in another.
package main

import (
	"fmt"
	"sync"
)

type counter struct {
	mu sync.Mutex
	n  int
}

func (c *counter) inc() {
	c.mu.Lock()
	c.n++ // want `c\.n is written in \(\*counter\)\.inc by the goroutine started at main\.go:30 and in \(\*counter\)\.reset by the goroutine started at main\.go:38; the two run at the same time, and only the first holds c\.mu`
	c.mu.Unlock()
}

func (c *counter) reset() {
	c.n = 0 // related `c\.n is written here by the goroutine started at main\.go:38`
}

func main() {
	c := &counter{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				c.inc()
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 50 {
			c.reset()
		}
	}()
	wg.Wait()
	// What is left depends on when the resets ran, locked or not.
	fmt.Println(c.n <= 800)
}
