// Command readoutsidelock appends to a slice under a mutex and reads its
// length without it while the appends go on.
package main

import (
	"fmt"
	"sync"
)

type collector struct {
	mu    sync.Mutex
	items []string
}

func (c *collector) add(s string) {
	c.mu.Lock()
	c.items = append(c.items, s) // want `c\.items is written in \(\*collector\)\.add by the goroutine started at main\.go:30 and read in \(\*collector\)\.count by main while it runs; nothing waits for the goroutine in between, and only the first holds c\.mu`
	c.mu.Unlock()
}

func (c *collector) count() int {
	return len(c.items) // related `c\.items is read here by main while it runs`
}

func main() {
	c := &collector{}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 100 {
				c.add(fmt.Sprint(i, j))
			}
		}()
	}
	for range 100 {
		_ = c.count()
	}
	wg.Wait()
	fmt.Println(c.count())
}
