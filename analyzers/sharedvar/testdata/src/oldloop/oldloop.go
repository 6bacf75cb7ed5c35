//go:build go1.21

// Package oldloop is versionless but for its build constraint, which
// makes it Go 1.21: its loop variable is shared by all iterations.
package oldloop

import "sync"

func squares(n int) []int {
	out := make([]int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ { // want `i is written by squares while the goroutine started at oldloop\.go:14 runs and read by that goroutine; nothing waits for the goroutine in between, and no lock is held at either; before Go 1\.22 all iterations of a loop share one i`
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = i * i // related `i is read here by that goroutine`
		}()
	}
	wg.Wait()
	return out
}
