//go:build linux

// Command boundary runs untrusted conversions in children that must stay
// processes: they run as another user, in a jail, in new namespaces, or
// drop their privileges themselves. Its other workers can be goroutines.
package main

import (
	"log"
	"os"
	"syscall"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "convert", "jail", "ns", "leash", "indexer", "compress":
			if err := convert(os.Stdin, os.Stdout); err != nil {
				log.Fatal(err)
			}
			return
		case "privdrop":
			if err := dropPrivileges(65534); err != nil {
				log.Fatal(err)
			}
			os.Exit(serveUnprivileged(os.Stdin, os.Stdout))
		case "chdir":
			chdirRole()
			return
		case "umask":
			umaskRole()
			return
		case "signals":
			signalsRole()
			return
		case "netns":
			// Set up, then serve: the role is served by copyStdin.
			if err := enter(); err != nil {
				log.Fatal(err)
			}
			copyStdin()
			return
		case "joinns":
			joinnsRole()
			return
		case "pinned":
			pinnedRole()
			return
		case "jailed", "grouped", "opaque":
			copyStdin()
			return
		case "limited":
			lim := syscall.Rlimit{Cur: 1 << 28, Max: 1 << 28}
			if err := syscall.Setrlimit(syscall.RLIMIT_AS, &lim); err != nil {
				log.Fatal(err)
			}
			if err := convert(os.Stdin, os.Stdout); err != nil {
				log.Fatal(err)
			}
			return
		}
	}
	exe, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	if err := supervise(exe); err != nil {
		log.Fatal(err)
	}
}
