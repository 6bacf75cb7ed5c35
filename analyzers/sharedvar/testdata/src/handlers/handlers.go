package handlers

import (
	"context"
	"net/http"
	"time"
)

// counter is an http.Handler whose ServeHTTP the server calls on a
// goroutine per request.
type counter struct{ hits int }

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.hits++ // related `c\.hits is written here by the same handler for another request` // want `c\.hits is written by the handler registered with http\.Handle at handlers\.go:19 and by the same handler for another request; the server runs handlers at the same time, and no lock is held at either`
}

func serve() {
	c := &counter{}
	http.Handle("/", c)

	mux := http.NewServeMux()
	seen := 0
	mux.HandleFunc("/seen", func(w http.ResponseWriter, r *http.Request) {
		seen++ // related `seen is written here by the same handler for another request` // want `seen is written by the handler registered with mux\.HandleFunc at handlers\.go:23 and by the same handler for another request; the server runs handlers at the same time, and no lock is held at either`
	})
	mux.Handle("/conv", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
}

var fired int

func schedule(ctx context.Context) {
	time.AfterFunc(time.Second, func() {
		fired++ // want `fired is written by the goroutine time\.AfterFunc starts at handlers\.go:34 and by schedule while it runs; nothing waits for the goroutine in between, and no lock is held at either`
	})
	fired = 0 // related `fired is written here by schedule while it runs`

	stopped := false
	stop := context.AfterFunc(ctx, func() {
		stopped = true // want `stopped is written by the goroutine context\.AfterFunc starts at handlers\.go:40 and read by schedule while it runs; nothing waits for the goroutine in between, and no lock is held at either`
	})
	defer stop()
	if stopped { // related `stopped is read here by schedule while it runs`
		return
	}
}
