//go:build linux

package main

import (
	"io"
	"strings"
	"syscall"
)

func convert(r io.Reader, w io.Writer) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, strings.ToUpper(string(b)))
	return err
}

// dropPrivileges makes the process nobody before it reads any input.
func dropPrivileges(id int) error {
	if err := syscall.Setgroups(nil); err != nil {
		return err
	}
	if err := syscall.Setgid(id); err != nil {
		return err
	}
	return syscall.Setuid(id)
}

func serveUnprivileged(r io.Reader, w io.Writer) int {
	if err := convert(r, w); err != nil {
		return 1
	}
	return 0
}
