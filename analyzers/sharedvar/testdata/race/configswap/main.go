// Command configswap replaces its configuration while workers read it.
package main

import (
	"fmt"
	"sync"
)

type config struct {
	name  string
	limit int
}

var cfg = &config{name: "v0", limit: 1}

func work(stop <-chan struct{}) int {
	n := 0
	for {
		// Read before looking at stop: a worker that main's writes
		// outpace still reads cfg once, and the race shows every run.
		c := cfg // related `cfg is read here by that goroutine`
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
		cfg = &config{name: fmt.Sprint("v", i), limit: i} // want `cfg is written by main while the goroutine started at main\.go:36 runs and read in work by that goroutine; nothing waits for the goroutine in between, and no lock is held at either`
	}
	close(stop)
	wg.Wait()
	fmt.Println(cfg.name)
}
