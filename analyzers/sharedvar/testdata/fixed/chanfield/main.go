// Command chanfield replaces a channel field after the goroutine that
// receives from it has started, the field guarded by a mutex beside it.
package main

import (
	"fmt"
	"sync"
	"time"
)

type server struct {
	mu   sync.Mutex // guards jobs
	jobs chan int
	quit chan struct{}
}

func (s *server) start() {
	go s.loop()
}

func (s *server) loop() {
	for {
		s.mu.Lock()
		jobs := s.jobs
		s.mu.Unlock()
		select {
		case j := <-jobs:
			_ = j
		case <-s.quit:
			return
		}
	}
}

func main() {
	s := &server{jobs: make(chan int), quit: make(chan struct{})}
	s.start()
	s.mu.Lock()
	s.jobs = make(chan int, 10)
	s.mu.Unlock()
	time.Sleep(5 * time.Millisecond)
	close(s.quit)
	fmt.Println("stopped")
}
