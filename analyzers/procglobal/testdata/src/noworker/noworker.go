// Package main dispatches subcommands on os.Args but spawns nothing: the
// subcommands are not workers, so nothing is reported.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
)

func main() {
	switch os.Args[1] {
	case "serve":
		serve()
	case "version":
		fmt.Println("v1")
		os.Exit(0)
	}
}

func serve() {
	flag.Parse()
	log.SetPrefix("serve: ")
	if err := os.Chdir("/srv"); err != nil {
		log.Fatal(err)
	}
	os.Setenv("SERVING", "1")
	fmt.Println("serving", os.Getenv("PORT"))
	os.Exit(0)
}
