// Command lazyinit builds a table on first use, from several goroutines,
// under a mutex declared beside the table.
package main

import (
	"fmt"
	"sync"
)

var (
	table   map[string]int
	tableMu sync.Mutex // guards table
)

func build() map[string]int {
	return map[string]int{"one": 1, "two": 2, "three": 3}
}

func lookup(k string) int {
	tableMu.Lock()
	defer tableMu.Unlock()
	if table == nil {
		table = build()
	}
	return table[k]
}

func main() {
	var wg sync.WaitGroup
	sums := make([]int, 8)
	for i := range sums {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sums[i] = lookup("two")
		}()
	}
	wg.Wait()
	fmt.Println(sums)
}
