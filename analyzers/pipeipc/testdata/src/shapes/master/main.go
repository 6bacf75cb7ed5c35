// Command master runs its real work in a child process of its own binary
// and starts a new one whenever the child exits. SIGHUP and SIGUSR1 sent
// to the master are forwarded to the current child, which a signal
// goroutine finds in a package variable.
package main

import (
	"log"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// workerEnv, set in a child's environment, makes it the worker.
const workerEnv = "MASTER_WORKER"

var (
	mu    sync.Mutex
	child *exec.Cmd // the running worker, nil between two
)

func main() {
	if os.Getenv(workerEnv) == "1" {
		work()
		return
	}
	exe, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGUSR1)
	go forward(sigs)
	for {
		cmd := exec.Command(exe, os.Args[1:]...) // want `keep as a process: worker spawned with exec\.Command re-executes this binary \(os\.Executable\(\)\) with MASTER_WORKER=1 in its environment served by work; the child changes its signal handling with signal\.Notify in work`
		cmd.Env = append(os.Environ(), workerEnv+"=1")
		cmd.Stdout = os.Stdout
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			log.Fatal(err)
		}
		mu.Lock()
		child = cmd
		mu.Unlock()
		err := cmd.Wait()
		mu.Lock()
		child = nil
		mu.Unlock()
		log.Printf("worker exited: %v; restarting", err)
		time.Sleep(time.Second)
	}
}

// forward sends each signal to the running worker.
func forward(sigs <-chan os.Signal) {
	for sig := range sigs {
		mu.Lock()
		if child != nil && child.Process != nil {
			if err := child.Process.Signal(sig); err != nil {
				log.Printf("forwarding %v: %v", sig, err)
			}
		}
		mu.Unlock()
	}
}

// work serves until it is told to stop; HUP reloads, USR1 reopens logs.
func work() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGUSR1)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case sig := <-sigs:
			log.Printf("worker: %v", sig)
		case <-tick.C:
		}
	}
}
