// Command handler counts visits per path in a package map from an HTTP
// handler, which the server runs on a goroutine per request.
package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
)

var visits = map[string]int{}

func count(w http.ResponseWriter, r *http.Request) {
	visits[r.URL.Path]++ // want `visits is written by the handler registered with http\.HandleFunc at main\.go:20 and by the same handler for another request; the server runs handlers at the same time, and no lock is held at either`
	fmt.Fprintln(w, "ok")
}

func main() {
	http.HandleFunc("/", count)
	srv := httptest.NewServer(http.DefaultServeMux)
	defer srv.Close()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				resp, err := http.Get(srv.URL + "/a")
				if err == nil {
					resp.Body.Close()
				}
			}
		}()
	}
	wg.Wait()
}
