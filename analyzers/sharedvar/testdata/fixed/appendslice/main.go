// Command appendslice appends to one slice from several goroutines, each
// append under a mutex declared beside the slice.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var out []int
	var outMu sync.Mutex
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				outMu.Lock()
				out = append(out, i*j)
				outMu.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Println(len(out))
}
