// Command namedresult returns its named result after a timeout while the
// goroutine computing it still writes it.
package main

import (
	"fmt"
	"time"
)

func slowSum(n int) int {
	time.Sleep(100 * time.Millisecond)
	return n * (n + 1) / 2
}

func sum(n int) (total int) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		total = slowSum(n) // want `total is written by the goroutine started at main.go:17 and returned by sum while it runs; nothing waits for the goroutine in between, and no lock is held at either`
	}()
	select {
	case <-done:
	case <-time.After(time.Millisecond):
	}
	return // related `total is returned here by sum while it runs`
}

func main() {
	fmt.Println(sum(10))
	time.Sleep(300 * time.Millisecond)
}
