// Command timeoutresult writes a result both from the worker and from the
// timeout path that gives up on it, each under a mutex declared beside
// the result.
package main

import (
	"fmt"
	"sync"
	"time"
)

func slow() string {
	time.Sleep(100 * time.Millisecond)
	return "done"
}

func fetch() string {
	var result string
	var resultMu sync.Mutex // guards result
	done := make(chan struct{})
	go func() {
		r := slow()
		resultMu.Lock()
		result = r
		resultMu.Unlock()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Millisecond):
		resultMu.Lock()
		result = "timeout"
		resultMu.Unlock()
	}
	resultMu.Lock()
	defer resultMu.Unlock()
	return result
}

func main() {
	fmt.Println(fetch())
	time.Sleep(300 * time.Millisecond)
}
