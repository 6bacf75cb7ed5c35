//go:build go1.21

// Command wggoloop starts functions with sync.WaitGroup.Go that read the
// loop variable of code written for Go 1.21, where every iteration
// shares one.
package main

import (
	"fmt"
	"slices"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	names := []string{"ant", "bee", "cat", "dog"}
	seen := make(chan string, len(names))
	for _, name := range names { // want `name is written by main while the goroutine wg\.Go starts at main\.go:19 runs and read by that goroutine; nothing waits for the goroutine in between, and no lock is held at either; before Go 1\.22 all iterations of a loop share one name`
		wg.Go(func() {
			seen <- name // related `name is read here by that goroutine`
		})
	}
	wg.Wait()
	close(seen)
	var got []string
	for name := range seen {
		got = append(got, name)
	}
	slices.Sort(got)
	fmt.Println(got)
}
