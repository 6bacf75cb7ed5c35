// Command timeoutresult writes a result both from the worker and from the
// timeout path that gives up on it.
package main

import (
	"fmt"
	"time"
)

func slow() string {
	time.Sleep(100 * time.Millisecond)
	return "done"
}

func fetch() string {
	var result string
	done := make(chan struct{})
	go func() {
		result = slow() // want `result is written by the goroutine started at main.go:18 and by fetch while it runs; nothing waits for the goroutine in between, and no lock is held at either`
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Millisecond):
		result = "timeout" // related `result is written here by fetch while it runs`
	}
	return result
}

func main() {
	fmt.Println(fetch())
	time.Sleep(300 * time.Millisecond)
}
