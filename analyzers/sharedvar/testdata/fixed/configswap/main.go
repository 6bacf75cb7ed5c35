// Command configswap replaces its configuration while workers read it,
// every access under a mutex declared beside the configuration.
package main

import (
	"fmt"
	"sync"
)

type config struct {
	name  string
	limit int
}

var (
	cfg   = &config{name: "v0", limit: 1}
	cfgMu sync.Mutex // guards cfg
)

func work(stop <-chan struct{}) int {
	n := 0
	for {
		cfgMu.Lock()
		c := cfg
		cfgMu.Unlock()
		n += c.limit
		select {
		case <-stop:
			return n
		default:
		}
	}
}

func main() {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(stop)
		}()
	}
	for i := range 200 {
		c := &config{name: fmt.Sprint("v", i), limit: i}
		cfgMu.Lock()
		cfg = c
		cfgMu.Unlock()
	}
	close(stop)
	wg.Wait()
	fmt.Println(cfg.name)
}
