// Command lazyinit builds a table on first use, from several goroutines.
package main

import (
	"fmt"
	"sync"
)

var table map[string]int

func build() map[string]int {
	return map[string]int{"one": 1, "two": 2, "three": 3}
}

func lookup(k string) int {
	if table == nil { // related `table is read here by another run of that goroutine`
		table = build() // want `table is written in lookup by the goroutine started at main\.go:27 and read in lookup by another run of that goroutine; its runs overlap, and no lock is held at either`
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
