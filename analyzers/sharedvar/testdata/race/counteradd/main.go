// Command counteradd adds amounts to a package counter from goroutines,
// after setting it to zero: each += reads and writes it while others do
// too.
package main

import (
	"fmt"
	"sync"
)

var total int64

func main() {
	total = 0
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 500 {
				total += int64(i + 1) // related `total is written here by another run of that goroutine` // want `total is written by the goroutine started at main\.go:18 and by another run of that goroutine; its runs overlap, and no lock is held at either`
			}
		}()
	}
	wg.Wait()
	fmt.Println(total)
}
