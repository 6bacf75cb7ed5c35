// Command goroutinelocal has each goroutine build its own data and send
// the result back.
package main

import (
	"fmt"
	"strings"
)

type summary struct {
	words map[string]int
	total int
}

func summarize(text string) *summary {
	s := &summary{words: make(map[string]int)}
	for _, w := range strings.Fields(text) {
		s.words[w]++
		s.total++
	}
	return s
}

func main() {
	texts := []string{"a b c", "b c d", "c d e", "d e f"}
	results := make(chan *summary)
	for _, t := range texts {
		go func() {
			var buf []string
			for range 50 {
				buf = append(buf, t)
			}
			results <- summarize(strings.Join(buf, " "))
		}()
	}
	total := 0
	for range texts {
		total += (<-results).total
	}
	fmt.Println(total)
}
