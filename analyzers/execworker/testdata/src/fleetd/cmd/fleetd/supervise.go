package main

import (
	"os"
	"os/exec"
)

func supervise() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	a := exec.Command(exe, "agent") // want `worker spawned with exec\.Command re-executes this binary \(os\.Executable\(\)\) as role "agent" served by agent\.Serve; a candidate to run as a goroutine`
	if err := a.Start(); err != nil {
		return err
	}
	j := exec.Command(exe, "jail") // want `keep as a process: worker spawned with exec\.Command re-executes this binary \(os\.Executable\(\)\) as role "jail" served by jail\.Run; the child drops privileges with unix\.Setgroups in privs\.Drop`
	if err := j.Run(); err != nil {
		return err
	}
	s := exec.Command(exe, "stats") // want `worker spawned with exec\.Command re-executes this binary \(os\.Executable\(\)\) as role "stats" handled inline in main; a candidate to run as a goroutine`
	if err := s.Run(); err != nil {
		return err
	}
	return a.Wait()
}
