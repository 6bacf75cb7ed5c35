// Command crosspkg counts hits through another package's function from
// goroutines.
package main

import (
	"fmt"
	"sync"

	"example.com/race/crosspkg/lib"
)

func main() {
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				lib.Hit() // related `lib\.hits is written here by another run of that goroutine` // want `lib\.hits is written in lib\.Hit \(example\.com/race/crosspkg/lib/lib\.go:8\) by the goroutine started at main\.go:16 and by another run of that goroutine; its runs overlap, and no lock is held at either`
			}
		}()
	}
	wg.Wait()
	fmt.Println(lib.Hits())
}
