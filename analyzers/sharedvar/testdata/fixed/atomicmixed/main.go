// Command atomicmixed adds to a counter from goroutines and reads it
// while they run, every access through the counter's sync/atomic type.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

var ops atomic.Int64

func main() {
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				ops.Add(1)
			}
		}()
	}
	for range 50 {
		if ops.Load() > 1000 {
			break
		}
	}
	wg.Wait()
	fmt.Println(ops.Load())
}
