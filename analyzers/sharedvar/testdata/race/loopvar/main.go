//go:build go1.21

// Command loopvar starts goroutines that read the loop variables of code
// written for Go 1.21, where every iteration shares one variable.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	squares := make([]int, 64)
	for i := 0; i < len(squares); i++ { // want `i is written by main while the goroutine started at main.go:17 runs and read by that goroutine; nothing waits for the goroutine in between, and no lock is held at either; before Go 1.22 all iterations of a loop share one i`
		wg.Add(1)
		go func() {
			defer wg.Done()
			squares[i%len(squares)] = i * i // related `i is read here by that goroutine`
		}()
	}
	wg.Wait()

	names := []string{"ant", "bee", "cat", "dog"}
	lengths := make(chan int, len(names))
	for _, name := range names { // want `name is written by main while the goroutine started at main.go:28 runs and read by that goroutine; nothing waits for the goroutine in between, and no lock is held at either; before Go 1.22 all iterations of a loop share one name`
		wg.Add(1)
		go func() {
			defer wg.Done()
			lengths <- len(name) // related `name is read here by that goroutine`
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
