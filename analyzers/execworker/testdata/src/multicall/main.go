// Command multicall is a busybox-style binary: each applet registers under
// a name, and the binary runs the applet named by argv[0], which a
// symlink or the parent chooses.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// applets maps a name to the applet run when the binary starts under it.
var applets = map[string]func(args []string) int{
	"unpack": unpackMain,
}

func register(name string, main func(args []string) int) { applets[name] = main }

func init() {
	register("pack", packMain)
	applets["verify"] = func(args []string) int {
		fmt.Println("verified", len(args))
		return 0
	}
}

func main() {
	if run, ok := applets[filepath.Base(os.Args[0])]; ok {
		os.Exit(run(os.Args[1:]))
	}
	if err := archive(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
