package nolint

import "sync"

var rough, exact int

func count() {
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rough++ //nolint:sharedvar // an estimate: lost increments do not matter
			exact++ // related `exact is written here by another run of that goroutine` // want `exact is written by the goroutine started at nolint.go:11 and by another run of that goroutine`
		}()
	}
	wg.Wait()
}
