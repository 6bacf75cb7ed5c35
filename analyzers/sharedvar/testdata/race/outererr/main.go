// Command outererr keeps the error of whichever fetch failed, from
// goroutines writing one outer variable.
package main

import (
	"errors"
	"fmt"
	"sync"
)

func fetch(url string) error {
	return errors.New("cannot fetch " + url)
}

func fetchAll(urls []string) error {
	var err error
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if e := fetch(u); e != nil {
				err = e // related `err is written here by another run of that goroutine` // want `err is written by the goroutine started at main.go:20 and by another run of that goroutine; its runs overlap, and no lock is held at either`
			}
		}()
	}
	wg.Wait()
	return err
}

func main() {
	fmt.Println(fetchAll([]string{"a", "b", "c", "d", "e", "f"}))
}
