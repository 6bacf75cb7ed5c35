// Command pkgmap records words in a package map from goroutines, under a
// mutex declared beside the map.
package main

import (
	"fmt"
	"sync"
)

var (
	seen   = map[string]int{}
	seenMu sync.Mutex // guards seen
)

func record(word string) {
	seenMu.Lock()
	seen[word]++
	seenMu.Unlock()
}

func main() {
	words := []string{"alpha", "beta", "gamma", "delta"}
	var wg sync.WaitGroup
	for _, w := range words {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				record(w)
			}
		}()
	}
	wg.Wait()
	fmt.Println(len(seen), seen["alpha"])
}
