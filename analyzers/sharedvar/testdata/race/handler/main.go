// Command handler counts visits per path in a package map from an HTTP
// handler, which the server runs on a goroutine per request.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
)

var visits = map[string]int{}

// clients is how many clients send requests at the same time.
const clients = 8

// arrived counts the handlers that have counted their visit.
var arrived atomic.Int32

func count(w http.ResponseWriter, r *http.Request) {
	visits[r.URL.Path]++ // related `visits is written here by the same handler for another request` // want `visits is written by the handler registered with http\.HandleFunc at main\.go:41 and by the same handler for another request; the server runs handlers at the same time, and no lock is held at either`

	// Keep the first requests' handlers until all of them have counted:
	// none of their writes can then be ordered before another's, and the
	// race shows every run, however the server schedules them.
	arrived.Add(1)
	for arrived.Load() < clients {
		runtime.Gosched()
	}
	// io, not fmt: fmt takes its buffers from a sync.Pool, which orders
	// the handlers for the race detector.
	_, _ = io.WriteString(w, "ok\n")
}

func main() {
	// A plain server: httptest's locks its connection table on every
	// request, which orders the handlers for the race detector.
	http.HandleFunc("/", count)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: http.DefaultServeMux}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/a"
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				resp, err := http.Get(url)
				if err == nil {
					resp.Body.Close()
				}
			}
		}()
	}
	wg.Wait()
	fmt.Println("done")
}
