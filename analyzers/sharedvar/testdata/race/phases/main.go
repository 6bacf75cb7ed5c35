// Command phases runs two groups of goroutines one after the other; each
// group is waited for before the next starts.
package main

import (
	"fmt"
	"sync"
)

var (
	mu    sync.Mutex
	stage string
	count int
)

func first(n int) {
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			count++
			mu.Unlock()
		}()
	}
	wg.Wait()
}

func second(n int) {
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			count--
			mu.Unlock()
		}()
	}
	wg.Wait()
}

func main() {
	stage = "first"
	first(8)
	stage = "second"
	second(8)
	stage = "done"
	fmt.Println(stage, count)
}
