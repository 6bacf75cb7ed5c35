package main

import (
	"io"
	"os"
	"os/exec"
)

func serve() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	compactor := exec.Command(exe) // want `worker spawned with exec\.Command re-executes this binary \(os\.Executable\(\)\) with SHARDD_ROLE=compactor in its environment served by compact; a candidate to run as a goroutine`
	compactor.Env = append(os.Environ(), roleVar+"=compactor")
	if err := compactor.Run(); err != nil {
		return err
	}

	env := append(os.Environ(), "SHARDD_WORKER=1", "GOMAXPROCS=2")
	shard := exec.Command(exe, "-shard", "7") // want `re-executes this binary \(os\.Executable\(\)\) with SHARDD_WORKER set in its environment served by serveShard; a candidate to run as a goroutine`
	shard.Env = env
	out, err := shard.StdoutPipe()
	if err != nil {
		return err
	}
	if err := shard.Start(); err != nil {
		return err
	}
	io.Copy(os.Stdout, out)
	if err := shard.Wait(); err != nil {
		return err
	}

	// A debug run of the server itself, not a worker: the variable is an
	// option, and nothing dispatches on it.
	debug := exec.Command(exe)
	debug.Env = append(os.Environ(), "SHARDD_DEBUG=1")
	return debug.Start()
}
