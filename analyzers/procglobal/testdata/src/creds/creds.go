// Package main has a worker that drops privileges and limits itself, which
// in-process it does for the orchestrator and every other worker too.
package main

import (
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "sandbox" {
		if err := sandbox(); err != nil {
			os.Exit(1)
		}
		return
	}
	syscall.Umask(0o022)
	cmd := exec.Command(os.Args[0], "sandbox")
	if _, err := cmd.StdinPipe(); err != nil {
		return
	}
	_ = cmd.Run()
}

func sandbox() error {
	syscall.Umask(0o077) // want `worker code for role "sandbox" uses syscall\.Umask, which changes the umask of the whole process; migrate rewrite leaves the site unchanged`
	unix.Umask(0o077)    // want `uses unix\.Umask, which changes the umask of the whole process`
	lim := &syscall.Rlimit{Cur: 64, Max: 64}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, lim); err != nil { // want `uses syscall\.Setrlimit, which changes the resource limits of the whole process`
		return err
	}
	if err := syscall.Setgroups(nil); err != nil { // want `uses syscall\.Setgroups, which changes the credentials of the whole process`
		return err
	}
	if err := syscall.Setgid(65534); err != nil { // want `uses syscall\.Setgid, which changes the credentials`
		return err
	}
	if err := unix.Setresuid(65534, 65534, 65534); err != nil { // want `uses unix\.Setresuid, which changes the credentials`
		return err
	}
	return syscall.Setuid(65534) // want `uses syscall\.Setuid, which changes the credentials`
}
