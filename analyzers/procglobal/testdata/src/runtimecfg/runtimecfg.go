// Package main has a worker that tunes the runtime and seeds the global
// random source, which in-process it does for the whole program.
package main

import (
	"math/rand"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "solver" {
		solve()
		return
	}
	runtime.GOMAXPROCS(4)
	debug.SetGCPercent(200)
	rand.Seed(1)
	cmd := exec.Command(os.Args[0], "solver")
	if _, err := cmd.StdoutPipe(); err != nil {
		return
	}
	_ = cmd.Run()
}

func solve() {
	runtime.GOMAXPROCS(1)             // want `worker code for role "solver" uses runtime\.GOMAXPROCS, which changes the scheduler of the whole process; migrate rewrite leaves the site unchanged`
	debug.SetGCPercent(-1)            // want `uses debug\.SetGCPercent, which changes the collector of the whole process`
	debug.SetMemoryLimit(1 << 30)     // want `uses debug\.SetMemoryLimit, which changes the memory limit of the whole process`
	rand.Seed(42)                     // want `uses rand\.Seed, which reseeds the generator the parent and every worker share`
	r := rand.New(rand.NewSource(42)) // a source of its own: fine
	_ = r.Intn(10)
	_ = runtime.NumCPU()
}
