// Command loopvar122 starts goroutines that read their loop variables,
// which from Go 1.22 on are new in every iteration.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	squares := make([]int, 64)
	for i := 0; i < len(squares); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			squares[i] = i * i
		}()
	}
	wg.Wait()

	names := []string{"ant", "bee", "cat", "dog"}
	lengths := make(chan int, len(names))
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lengths <- len(name)
		}()
	}
	wg.Wait()
	close(lengths)
	total := 0
	for n := range lengths {
		total += n
	}
	fmt.Println(squares[2], total)
}
