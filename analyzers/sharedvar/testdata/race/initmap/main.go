// Command initmap fills a map in init and only reads it afterwards.
package main

import (
	"fmt"
	"sync"
)

var (
	codes  = map[string]int{}
	labels map[int]string
)

func init() {
	for i, name := range []string{"zero", "one", "two"} {
		codes[name] = i
	}
	labels = make(map[int]string)
	for name, code := range codes {
		labels[code] = name
	}
}

func main() {
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				_ = labels[codes["two"]]
			}
		}()
	}
	wg.Wait()
	fmt.Println(labels[1])
}
