// Package main runs workers that each change into a directory of their
// own and then use relative paths, which in-process resolve against one
// directory shared by all.
package main

import (
	"os"
	"os/exec"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "unpack" {
		if err := unpack(os.Args[2]); err != nil {
			os.Exit(1)
		}
		return
	}

	// The orchestrator changes directory and reads relative paths freely.
	if err := os.Chdir("work"); err != nil {
		os.Exit(1)
	}
	if _, err := os.ReadFile("jobs.txt"); err != nil {
		os.Exit(1)
	}
	cmd := exec.Command(os.Args[0], "unpack", "archive")
	if _, err := cmd.StdinPipe(); err != nil {
		os.Exit(1)
	}
	_ = cmd.Run()
}

func unpack(dir string) error {
	if _, err := os.Stat("before.txt"); err != nil { // before the change: not related
		return err
	}
	if err := os.Chdir(dir); err != nil { // want `worker code for role "unpack" uses os\.Chdir, which changes the working directory of the parent and every worker; migrate rewrite leaves the site unchanged`
		return err
	}
	data, err := os.ReadFile("manifest.json") // related `relative path "manifest\.json" resolves against the working directory of the whole process, which the parent or another worker may change after os\.Chdir`
	if err != nil {
		return err
	}
	if err := os.MkdirAll("out", 0o755); err != nil { // related `relative path "out" resolves`
		return err
	}
	if err := os.WriteFile("/tmp/abs.json", data, 0o644); err != nil { // absolute: not related
		return err
	}
	if err := os.Rename("old", "new"); err != nil { // related `relative path "old" resolves` `relative path "new" resolves`
		return err
	}
	name := "computed"
	if _, err := os.Open(name); err != nil { // not a constant: not related
		return err
	}
	return inner()
}

func inner() error {
	f := func() error {
		if err := syscall.Chdir("/srv"); err != nil { // want `worker code for role "unpack" uses syscall\.Chdir, which changes the working directory of the whole process`
			return err
		}
		return os.RemoveAll("cache") // related `relative path "cache" resolves .* after syscall\.Chdir`
	}
	if _, err := os.Create("elsewhere"); err != nil { // another function literal's change: not related
		return err
	}
	return f()
}
