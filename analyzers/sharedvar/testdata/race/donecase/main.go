// Command donecase reads a goroutine's result only in the select case
// that received its completion; the timeout case does not touch it.
package main

import (
	"fmt"
	"time"
)

func slow() string {
	time.Sleep(time.Millisecond)
	return "done"
}

func fetch(timeout time.Duration) string {
	var result string
	done := make(chan struct{})
	go func() {
		result = slow()
		close(done)
	}()
	select {
	case <-done:
		return result
	case <-time.After(timeout):
		return "timeout"
	}
}

func main() {
	fmt.Println(fetch(time.Millisecond), fetch(time.Second))
	time.Sleep(5 * time.Millisecond)
}
