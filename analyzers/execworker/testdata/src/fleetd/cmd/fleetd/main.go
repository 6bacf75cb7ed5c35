// Command fleetd dispatches its worker roles to packages of its module:
// the worker entries are found through the calls in its dispatch, and
// whether a role must stay a process through the facts of those packages.
package main

import (
	"log"
	"os"

	"fleetd/agent"
	"fleetd/jail"
	"vendorstats"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "agent":
			if err := agent.Serve(os.Stdin, os.Stdout); err != nil {
				log.Fatal(err)
			}
			return
		case "jail":
			os.Exit(jail.Run(os.Stdin, os.Stdout))
		case "stats":
			// vendorstats is another module's package: no worker entry
			// of this module serves the role.
			vendorstats.Report(os.Stdout)
			return
		}
	}
	if err := supervise(); err != nil {
		log.Fatal(err)
	}
}
