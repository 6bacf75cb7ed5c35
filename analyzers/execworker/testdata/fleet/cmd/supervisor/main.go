// Command supervisor runs the fleet: workers built from other main
// packages of this module, and roles of its own served by packages of
// the module.
package main

import (
	"log"
	"os"

	"example.com/fleet/agent"
	"example.com/fleet/sandbox"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "agent":
			os.Exit(agent.Serve(os.Stdin, os.Stdout))
		case "sandbox":
			if err := sandbox.Run("/srv/jail"); err != nil {
				log.Fatal(err)
			}
			return
		}
	}
	if err := supervise(); err != nil {
		log.Fatal(err)
	}
}
