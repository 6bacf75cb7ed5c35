// Command pkgmap records words in a package map from goroutines.
package main

import (
	"fmt"
	"sync"
)

var seen = map[string]int{}

func record(word string) {
	seen[word]++ // related `seen is written here by another run of that goroutine` // want `seen is written in record by the goroutine started at main\.go:20 and by another run of that goroutine; its runs overlap, and no lock is held at either`
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
	fmt.Println(len(seen))
}
