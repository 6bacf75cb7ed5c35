// Package main has a worker that parses the global flag set, which
// in-process holds the orchestrator's flags and arguments.
package main

import (
	"flag"
	"os"
	"os/exec"
)

var verbose = flag.Bool("v", false, "verbose") // package level: not worker code

func main() {
	if len(os.Args) > 1 && os.Args[1] == "crawler" {
		crawl(os.Args[2:])
		return
	}
	depth := flag.Int("depth", 2, "crawl depth")
	flag.Parse()
	_, _ = *depth, flag.NArg()
	cmd := exec.Command(os.Args[0], "crawler", flag.Arg(0))
	if _, err := cmd.StdoutPipe(); err != nil {
		return
	}
	_ = cmd.Run()
}

func crawl(args []string) {
	var seeds string
	flag.StringVar(&seeds, "seeds", "", "seed URLs") // want `worker code for role "crawler" uses flag\.StringVar, which defines a flag on the parent's flag set; migrate rewrite hands the worker a flag set of its own, parsed from its own arguments`
	n := flag.Int("n", 1, "workers")                 // want `uses flag\.Int, which defines a flag on the parent's flag set`
	flag.Parse()                                     // want `uses flag\.Parse, which parses the parent's arguments`
	_ = flag.Arg(0)                                  // want `uses flag\.Arg, which holds the parent's arguments`
	_, _ = seeds, *n

	// A flag set of its own is the worker's.
	fs := flag.NewFlagSet("crawler", flag.ContinueOnError)
	fs.Int("n", 1, "workers")
	_ = fs.Parse(args)
	_ = *verbose
}
