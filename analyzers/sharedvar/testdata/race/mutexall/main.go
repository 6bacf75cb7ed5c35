// Command mutexall guards every access to shared state with one mutex:
// Lock and Unlock, defer Unlock, RLock for reads, and helpers that lock.
package main

import (
	"fmt"
	"sync"
)

var (
	mu    sync.Mutex
	total int
)

type registry struct {
	mu    sync.RWMutex
	names map[string]int
}

func (r *registry) add(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names[name]++
}

func (r *registry) count(name string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.names[name]
}

func (r *registry) lock()   { r.mu.Lock() }
func (r *registry) unlock() { r.mu.Unlock() }

func (r *registry) reset() {
	r.lock()
	r.names = make(map[string]int)
	r.unlock()
}

func add(n int) {
	mu.Lock()
	total += n
	mu.Unlock()
}

func main() {
	r := &registry{names: make(map[string]int)}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 100 {
				add(j)
				r.add(fmt.Sprint(i))
				_ = r.count("0")
				if j == 50 {
					r.reset()
				}
			}
		}()
	}
	for range 50 {
		mu.Lock()
		_ = total
		mu.Unlock()
		_ = r.count("1")
	}
	wg.Wait()
	fmt.Println(total > 0)
}
