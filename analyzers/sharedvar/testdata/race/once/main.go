// Command once builds a table once, with sync.Once, from several
// goroutines.
package main

import (
	"fmt"
	"sync"
)

var (
	tableOnce sync.Once
	table     map[string]int
)

func lookup(k string) int {
	tableOnce.Do(func() {
		table = map[string]int{"one": 1, "two": 2}
	})
	return table[k]
}

func main() {
	var wg sync.WaitGroup
	sums := make([]int, 8)
	for i := range sums {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				sums[i] += lookup("two")
			}
		}()
	}
	wg.Wait()
	fmt.Println(sums[0])
}
