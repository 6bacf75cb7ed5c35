package main

import (
	"expvar"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strconv"
)

// scratchEnv names the environment variable through which the orchestrator
// gives each agent process its scratch directory.
const scratchEnv = "AGENTSWARM_SCRATCH"

// prepareAgent readies the agent process before it serves tasks, and
// returns the counter of tasks it handles. Every line of it was safe while
// each agent was a process of its own.
func prepareAgent(id int) (*expvar.Int, error) {
	// Ctrl-C is the orchestrator's to handle: it stops the agents by
	// closing their stdin.
	signal.Ignore(os.Interrupt)                  // want `worker code for role "agent" uses signal\.Ignore, which changes signal handling for the whole process; migrate rewrite leaves the site unchanged`
	log.SetPrefix(fmt.Sprintf("agent %d: ", id)) // want `worker code for role "agent" uses log\.SetPrefix, which changes the standard logger of the parent and every worker`
	log.SetFlags(0)                              // want `uses log\.SetFlags, which changes the standard logger`

	dir := os.Getenv(scratchEnv) // want `worker code for role "agent" reads AGENTSWARM_SCRATCH with os\.Getenv, which in-process reads the parent's environment, not the value the parent passes to each worker in cmd\.Env; migrate rewrite hands the worker the environment its command sets`
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		if err := os.Chdir(dir); err != nil { // want `worker code for role "agent" uses os\.Chdir, which changes the working directory of the parent and every worker; migrate rewrite leaves the site unchanged`
			return nil, err
		}
		pid := []byte(strconv.Itoa(os.Getpid()))                      // want `worker code for role "agent" uses os\.Getpid, which in-process is the parent's process ID`
		if err := os.WriteFile("agent.pid", pid, 0o600); err != nil { // related `relative path "agent\.pid" resolves against the working directory of the whole process`
			return nil, err
		}
	}

	// The counter is published for the agent's /debug/vars.
	return expvar.NewInt("agent_tasks"), nil // want `worker code for role "agent" uses expvar\.NewInt, which registers once per process; migrate rewrite leaves the site unchanged`
}
