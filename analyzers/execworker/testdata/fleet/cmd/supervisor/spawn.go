package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

func supervise() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}

	// Binaries built from main packages of this module.
	w := exec.Command("./bin/worker", "-shard", "3") // want `worker spawned with exec\.Command runs \./bin/worker, built from main package example\.com/fleet/cmd/worker of this module; a candidate to run as a goroutine once its code is in a package the parent can import`
	out, err := w.StdoutPipe()
	if err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return err
	}
	io.Copy(os.Stdout, out)
	if err := w.Wait(); err != nil {
		return err
	}
	reaper := exec.Command(filepath.Join(filepath.Dir(exe), "reaper"), "-older", "24h") // want `worker spawned with exec\.Command runs reaper beside this binary, built from main package example\.com/fleet/cmd/reaper of this module; a candidate`
	if err := reaper.Run(); err != nil {
		return err
	}
	dev := exec.Command("go", "run", "-race", "./cmd/worker", "-shard", "4") // want `worker spawned with exec\.Command runs go run \./cmd/worker, built from main package example\.com/fleet/cmd/worker of this module; a candidate`
	if err := dev.Run(); err != nil {
		return err
	}
	nobody := exec.Command("bin/reaper") // want `keep as a process: worker spawned with exec\.Command runs bin/reaper, built from main package example\.com/fleet/cmd/reaper of this module; the child runs as another user \(SysProcAttr\.Credential\)`
	nobody.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	if err := nobody.Run(); err != nil {
		return err
	}

	// Roles of this binary, served in other packages of the module.
	if err := exec.Command(exe, "agent").Run(); err != nil { // want `worker spawned with exec\.Command re-executes this binary \(os\.Executable\(\)\) as role "agent" served by agent\.Serve; a candidate to run as a goroutine`
		return err
	}
	if err := exec.Command(exe, "sandbox").Run(); err != nil { // want `keep as a process: worker spawned with exec\.Command re-executes this binary \(os\.Executable\(\)\) as role "sandbox" served by sandbox\.Run; the child changes its root directory with syscall\.Chroot in sandbox\.enter`
		return err
	}

	// Not binaries of this module: gen is a main package only under
	// //go:build ignore, helper is a library, jq is nowhere in the module,
	// and a bare name is looked up in PATH.
	exec.Command("./bin/gen").Run()
	exec.Command(filepath.Join(filepath.Dir(exe), "helper")).Run()
	exec.Command("./bin/jq", ".").Run()
	exec.Command("worker").Run()
	return nil
}
