// Command chanhandoff hands values from goroutine to goroutine over
// channels: the sender no longer touches what it sent, and what is
// written before a send or a close is read after the receive.
package main

import "fmt"

type job struct {
	id     int
	result int
}

var answer int

func main() {
	jobs := make(chan *job)
	done := make(chan *job)
	go func() {
		for j := range jobs {
			j.result = j.id * j.id
			done <- j
		}
		close(done)
	}()
	go func() {
		for i := range 100 {
			j := &job{id: i}
			jobs <- j
		}
		close(jobs)
	}()
	sum := 0
	for j := range done {
		sum += j.result
	}

	finished := make(chan struct{})
	go func() {
		answer = sum * 2
		close(finished)
	}()
	<-finished
	fmt.Println(answer)
}
