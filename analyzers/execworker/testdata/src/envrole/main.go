// Command envrole is a shard server that tells its worker processes their
// role through the environment, so that their command lines stay those
// of the server in ps.
package main

import (
	"log"
	"os"
)

// roleVar is the variable a worker reads its role from.
const roleVar = "SHARDD_ROLE"

func main() {
	switch os.Getenv(roleVar) {
	case "compactor":
		if err := compact(os.Stdin, os.Stdout); err != nil {
			log.Fatal(err)
		}
		return
	case "":
	default:
		log.Fatalf("unknown role %q", os.Getenv(roleVar))
	}
	if os.Getenv("SHARDD_WORKER") != "" {
		os.Exit(serveShard(os.Stdin, os.Stdout))
	}
	if os.Getenv("SHARDD_DEBUG") == "1" {
		// An option, not a role: the server goes on.
		log.SetFlags(log.Lshortfile)
	}
	if err := serve(); err != nil {
		log.Fatal(err)
	}
}
