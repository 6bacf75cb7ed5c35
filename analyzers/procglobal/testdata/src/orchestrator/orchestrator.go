// Package main uses process-global state everywhere but in its worker:
// nothing is reported.
package main

import (
	"expvar"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "agent" {
		if err := serve(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	setup()
	cmd := exec.Command(os.Args[0], "agent")
	cmd.Env = append(os.Environ(), "AGENT_TOKEN=secret")
	if _, err := cmd.StdinPipe(); err != nil {
		log.Fatal(err)
	}
	if err := cmd.Run(); err != nil {
		log.Fatalf("agent: %v", err)
	}
	fmt.Println(os.Getenv("AGENT_TOKEN"))
	os.Exit(0)
}

// setup runs in the orchestrator only.
func setup() {
	flag.Parse()
	log.SetOutput(os.Stderr)
	slog.Info("starting", "args", flag.Args())
	signal.Ignore(syscall.SIGPIPE)
	syscall.Umask(0o022)
	runtime.GOMAXPROCS(2)
	rand.Seed(1)
	http.HandleFunc("/", func(http.ResponseWriter, *http.Request) {})
	if err := os.Chdir("/"); err != nil {
		log.Fatal(err)
	}
	_, _ = os.ReadFile("etc/hosts")
	os.Setenv("ORCHESTRATED", "1")
	print("ready\n")

	// Dropping privileges, limiting, entering a namespace and registering
	// metrics once, all in the parent before it starts its workers.
	runtime.LockOSThread()
	if err := unix.Setns(3, 0); err != nil {
		log.Fatal(err)
	}
	lim := syscall.Rlimit{Cur: 1024, Max: 1024}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		log.Fatal(err)
	}
	if err := syscall.Setuid(65534); err != nil {
		log.Fatal(err)
	}
	expvar.Publish("workers", expvar.Func(func() any { return 1 }))
	prometheus.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: "agents"}))
}

// serve is the worker: it keeps to its parameters.
func serve(in io.Reader, out io.Writer) error {
	_, err := io.Copy(out, in)
	return err
}
