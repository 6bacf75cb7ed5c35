// Command crosspkg counts hits through another package's function from
// goroutines; the package counts them in a sync/atomic type.
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
				lib.Hit()
			}
		}()
	}
	wg.Wait()
	fmt.Println(lib.Hits())
}
