// Package main passes each worker its settings in the environment, and
// has workers that change the environment, which in-process is one for
// the whole program.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
)

const modeVar = "WORKER_MODE"

func main() {
	switch os.Args[1] {
	case "indexer":
		os.Exit(index())
	case "cleaner":
		os.Exit(clean())
	}

	// The orchestrator reads and changes its own environment freely.
	if os.Getenv("WORKER_ID") != "" {
		os.Exit(2)
	}
	os.Setenv("ORCHESTRATOR", "1")
	for id := range 3 {
		cmd := exec.Command(os.Args[0], "indexer")
		cmd.Env = append(os.Environ(),
			"WORKER_ID="+strconv.Itoa(id),   // related `the parent sets WORKER_ID for each worker here`
			fmt.Sprintf("%s=fast", modeVar), // not NAME=: not a setting
			"WORKER_SHARD=7",                // related `the parent sets WORKER_SHARD for each worker here`
		)
		cmd.Env = append(cmd.Env, fmt.Sprintf("WORKER_DEBUG=%d", id)) // related `the parent sets WORKER_DEBUG for each worker here`
		if _, err := cmd.StdoutPipe(); err != nil {
			os.Exit(1)
		}
		_ = cmd.Run()
	}
	other := exec.Command(os.Args[0], "cleaner")
	other.Env = []string{"CLEANER_ONLY=1"} // related `the parent sets CLEANER_ONLY for each worker here`
	if _, err := other.StdinPipe(); err != nil {
		os.Exit(1)
	}
}

func index() int {
	id := os.Getenv("WORKER_ID")                    // want `worker code for role "indexer" reads WORKER_ID with os\.Getenv, which in-process reads the parent's environment, not the value the parent passes to each worker in cmd\.Env; migrate rewrite hands the worker the environment its command sets`
	if _, ok := os.LookupEnv("WORKER_SHARD"); !ok { // want `reads WORKER_SHARD with os\.LookupEnv`
		return 1
	}
	_ = os.Getenv("WORKER_DEBUG") // want `reads WORKER_DEBUG with os\.Getenv`
	_ = os.Getenv("HOME")         // not set per worker: the same in-process
	_ = os.Getenv("CLEANER_ONLY") // set for another role's command
	_ = os.Getenv(modeVar)
	os.Setenv("WORKER_STATE", id) // want `worker code for role "indexer" uses os\.Setenv, which changes the environment of the parent and every worker; migrate rewrite leaves the site unchanged`
	return 0
}

func clean() int {
	if os.Getenv("CLEANER_ONLY") == "" { // want `worker code for role "cleaner" reads CLEANER_ONLY with os\.Getenv`
		return 1
	}
	os.Unsetenv("TMPDIR") // want `worker code for role "cleaner" uses os\.Unsetenv, which changes the environment of the parent and every worker`
	os.Clearenv()         // want `uses os\.Clearenv, which changes the environment`
	return 0
}
