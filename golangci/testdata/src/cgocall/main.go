// Package main re-executes itself as a "stamp" worker whose code calls a
// libc function that is not thread-safe, as a program golangci-lint
// checks with the procmigrate plugin would. Without cgo, stamp is pure Go
// and there is nothing to report.
package main

import (
	"fmt"
	"os"
	"os/exec"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "stamp" {
		fmt.Println(stamp(0))
		return
	}
	cmd := exec.Command(os.Args[0], "stamp")
	cmd.Stdout = os.Stdout
	_ = cmd.Run()
}
