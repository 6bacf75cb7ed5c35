// Command appendslice appends to one slice from several goroutines.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var out []int
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				out = append(out, i*j) // related `out is read here by another run of that goroutine` // want `out is written by the goroutine started at main\.go:14 and read by another run of that goroutine; its runs overlap, and no lock is held at either`
			}
		}()
	}
	wg.Wait()
	fmt.Println(len(out))
}
