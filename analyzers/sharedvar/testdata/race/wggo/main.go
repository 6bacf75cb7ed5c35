// Command wggo records the last name seen from functions run by
// sync.WaitGroup.Go.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	var last string
	for _, name := range []string{"ant", "bee", "cat", "dog"} {
		wg.Go(func() {
			for range 100 {
				last = name // related `last is written here by another run of that goroutine` // want `last is written by the goroutine wg.Go starts at main.go:14 and by another run of that goroutine; its runs overlap, and no lock is held at either`
			}
		})
	}
	wg.Wait()
	fmt.Println(last != "")
}
