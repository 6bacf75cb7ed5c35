//go:build unix

// Package sandbox runs a job with dir as its root directory.
package sandbox

import (
	"os"
	"syscall"
)

// Run enters dir as the root, then runs the job.
func Run(dir string) error { // want Run:"isolates: changes its root directory with syscall.Chroot in sandbox.enter"
	if err := enter(dir); err != nil {
		return err
	}
	_, err := os.Stdout.WriteString("done\n")
	return err
}

func enter(dir string) error {
	if err := syscall.Chroot(dir); err != nil {
		return err
	}
	return os.Chdir("/")
}
