// Command waitordered writes before the go statement and reads after
// wg.Wait: both are ordered with the goroutine's writes.
package main

import (
	"fmt"
	"sync"
)

var (
	input  []int
	output int
)

func main() {
	input = []int{1, 2, 3}
	var total int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, n := range input {
			total += n
		}
		output = total * 2
	}()
	wg.Wait()
	fmt.Println(total, output)
}
