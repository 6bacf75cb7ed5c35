// Command counter increments a package counter from goroutines started
// in a loop: each increment reads and writes it while others do too.
package main

import (
	"fmt"
	"sync"
)

var hits int64

func main() {
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				hits++ // related `hits is written here by another run of that goroutine` // want `hits is written by the goroutine started at main.go:16 and by another run of that goroutine; its runs overlap, and no lock is held at either`
			}
		}()
	}
	wg.Wait()
	fmt.Println(hits)
}
