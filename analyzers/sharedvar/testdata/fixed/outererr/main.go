// Command outererr keeps the error of whichever fetch failed, from
// goroutines writing one outer variable under a mutex declared beside it.
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
	var errMu sync.Mutex // guards err
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if e := fetch(u); e != nil {
				errMu.Lock()
				err = e
				errMu.Unlock()
			}
		}()
	}
	wg.Wait()
	return err
}

func main() {
	// Which fetch's error is kept depends on the order the goroutines
	// finish in, with the lock as without it.
	err := fetchAll([]string{"a", "b", "c", "d", "e", "f"})
	fmt.Println(err != nil)
}
