// Command flagrole runs as a coordinator by default, and as one of its
// workers when a flag says so: -worker, -role=NAME, or -reaper.
package main

import (
	"flag"
	"log"
	"os"
)

var (
	workerMode = flag.Bool("worker", false, "serve jobs read from stdin")
	role       = flag.String("role", "", "run as the named `role`")
	verbose    = flag.Bool("v", false, "log more")
	reaper     bool
)

func init() {
	flag.BoolVar(&reaper, "reaper", false, "remove stale job files")
}

func main() {
	flag.Parse()
	if *verbose {
		// An option, not a role: the program goes on.
		log.SetFlags(log.Lmicroseconds)
	}
	if *workerMode {
		if err := serveJobs(os.Stdin, os.Stdout); err != nil {
			log.Fatal(err)
		}
		return
	}
	if reaper {
		reap()
		os.Exit(0)
	}
	switch *role {
	case "agent":
		os.Exit(runAgent(os.Stdin, os.Stdout))
	case "judge":
		if err := judge(os.Stdin, os.Stdout); err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := coordinate(); err != nil {
		log.Fatal(err)
	}
}
