package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
)

func coordinate() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	w := exec.Command(exe, "-worker") // want `worker spawned with exec\.Command re-executes this binary \(os\.Executable\(\)\) with flag -worker served by serveJobs; a candidate to run as a goroutine`
	if err := w.Start(); err != nil {
		return err
	}
	for i := 0; i < 2; i++ {
		a := exec.Command(exe, "-id", strconv.Itoa(i), "-role=agent", "-v") // want `re-executes this binary \(os\.Executable\(\)\) with flag -role=agent served by runAgent; a candidate to run as a goroutine`
		in, err := a.StdinPipe()
		if err != nil {
			return err
		}
		if err := a.Start(); err != nil {
			return err
		}
		json.NewEncoder(in).Encode(map[string]int{"task": i})
		in.Close()
		if err := a.Wait(); err != nil {
			return err
		}
	}
	j := exec.Command(exe, "--role", "judge") // want `re-executes this binary \(os\.Executable\(\)\) with flag -role=judge served by judge; a candidate to run as a goroutine`
	if out, err := j.Output(); err != nil || len(out) == 0 {
		return err
	}
	if err := exec.Command(exe, "-reaper").Run(); err != nil { // want `with flag -reaper served by reap; a candidate to run as a goroutine`
		return err
	}

	// -v only changes how the coordinator logs, and -role=auditor names
	// no role the binary serves: not workers.
	exec.Command(exe, "-v").Start()
	exec.Command(exe, "-role=auditor").Start()
	return w.Wait()
}
