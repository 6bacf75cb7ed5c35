// Command chanfield replaces a channel field after the goroutine that
// receives from it has started.
package main

import (
	"fmt"
	"time"
)

type server struct {
	jobs chan int
	quit chan struct{}
}

func (s *server) start() {
	go s.loop()
}

func (s *server) loop() {
	for {
		select {
		case j := <-s.jobs: // related `s\.jobs is read here by that goroutine`
			_ = j
		case <-s.quit:
			return
		}
	}
}

func main() {
	s := &server{jobs: make(chan int), quit: make(chan struct{})}
	s.start()
	s.jobs = make(chan int, 10) // want `s\.jobs is written by main, which called \(\*server\)\.start, while the goroutine started at main\.go:16 runs and read by that goroutine; nothing waits for the goroutine in between, and no lock is held at either`
	time.Sleep(5 * time.Millisecond)
	close(s.quit)
	fmt.Println("stopped")
}
