// Package main counts in a package variable from goroutines, as a
// program golangci-lint checks with the procmigrate plugin would.
package main

import (
	"fmt"
	"sync"
)

var hits, misses int64

func main() {
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hits++   // want `hits is written by the goroutine started at main.go:16 and by another run of that goroutine`
			misses++ //nolint:sharedvar // a rough figure: lost updates do not matter
		}()
	}
	wg.Wait()
	fmt.Println(hits, misses)
}
