// Command rlockwrite stores into a cache while holding only the read
// lock.
package main

import (
	"fmt"
	"strconv"
	"sync"
)

type cache struct {
	mu sync.RWMutex
	m  map[string]int
}

func (c *cache) get(k string) (int, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.m[k] // related `c\.m is read here by another run of that goroutine`
	return v, ok
}

func (c *cache) put(k string, v int) {
	c.mu.RLock()
	c.m[k] = v // want `c\.m is written in \(\*cache\)\.put by the goroutine started at main\.go:34 and read in \(\*cache\)\.get by another run of that goroutine; its runs overlap, and both hold c\.mu only for reading`
	c.mu.RUnlock()
}

func main() {
	c := &cache{m: make(map[string]int)}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 100 {
				// strconv, not fmt: fmt takes its buffers from a sync.Pool,
				// which orders the goroutines for the race detector.
				k := strconv.Itoa(j % 10)
				if _, ok := c.get(k); !ok {
					c.put(k, i)
				}
			}
		}()
	}
	wg.Wait()
	fmt.Println(len(c.m))
}
