// Command atomicmixed adds to a counter atomically and reads it plainly.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

var ops int64

func main() {
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				atomic.AddInt64(&ops, 1) // want `ops is written atomically by the goroutine started at main.go:16 and read by main while it runs; nothing waits for the goroutine in between, and only one of them is atomic`
			}
		}()
	}
	for range 50 {
		if ops > 1000 { // related `ops is read here by main while it runs`
			break
		}
	}
	wg.Wait()
	fmt.Println(atomic.LoadInt64(&ops))
}
