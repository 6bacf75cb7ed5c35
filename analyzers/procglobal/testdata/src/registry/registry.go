// Package main has a worker that registers handlers and metrics meant to
// exist once per process; in-process a second worker panics or collides.
package main

import (
	"expvar"
	"net/http"
	"os"
	"os/exec"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "exporter" {
		export()
		return
	}
	http.HandleFunc("/", func(http.ResponseWriter, *http.Request) {})
	expvar.NewInt("orchestrator_runs")
	cmd := exec.Command(os.Args[0], "exporter")
	if _, err := cmd.StdoutPipe(); err != nil {
		return
	}
	_ = cmd.Run()
}

func export() {
	http.HandleFunc("/metrics", serveMetrics)     // want `worker code for role "exporter" uses http\.HandleFunc, which registers on the default mux, once per process; migrate rewrite leaves the site unchanged`
	http.Handle("/debug", http.NotFoundHandler()) // want `uses http\.Handle, which registers on the default mux, once per process`
	jobs := expvar.NewInt("jobs")                 // want `uses expvar\.NewInt, which registers once per process`
	jobs.Add(1)
	expvar.Publish("state", expvar.Func(func() any { return "ok" })) // want `uses expvar\.Publish, which registers once per process`
	c := promauto.NewCounter(prometheus.CounterOpts{Name: "tasks"})  // want `uses promauto\.NewCounter, which registers once per process`
	prometheus.MustRegister(c)                                       // want `uses prometheus\.MustRegister, which registers once per process`

	// A registry and a mux of the worker's own are fine.
	reg := prometheus.NewRegistry()
	reg.MustRegister(promauto.With(reg).NewCounter(prometheus.CounterOpts{Name: "own"}))
	mux := http.NewServeMux()
	mux.HandleFunc("/metrics", serveMetrics)
}

func serveMetrics(w http.ResponseWriter, r *http.Request) {}
