// Command wggo records the last name seen from functions run by
// sync.WaitGroup.Go, under a mutex declared beside it.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	var last string
	var lastMu sync.Mutex // guards last
	for _, name := range []string{"ant", "bee", "cat", "dog"} {
		wg.Go(func() {
			for range 100 {
				lastMu.Lock()
				last = name
				lastMu.Unlock()
			}
		})
	}
	wg.Wait()
	fmt.Println(last != "")
}
