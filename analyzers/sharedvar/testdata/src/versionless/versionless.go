// Package versionless has no Go version: no module, no build constraint.
// Its loop variables are taken to be one per iteration, so none is
// reported on a guess.
package versionless

import "sync"

func squares(n int) []int {
	out := make([]int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = i * i
		}()
	}
	wg.Wait()
	return out
}
