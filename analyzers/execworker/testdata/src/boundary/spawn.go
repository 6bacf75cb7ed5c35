//go:build linux

package main

import (
	"os/exec"
	"syscall"
)

func supervise(exe string) error {
	// Runs as nobody: a goroutine cannot have credentials of its own.
	cmd := exec.Command(exe, "convert") // want `keep as a process: worker spawned with exec\.Command re-executes this binary \(os\.Executable\(\)\) as role "convert" served by convert; the child runs as another user \(SysProcAttr\.Credential\)`
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential: &syscall.Credential{Uid: 65534, Gid: 65534},
	}
	if err := cmd.Run(); err != nil {
		return err
	}

	jail := &exec.Cmd{ // want `keep as a process: worker spawned with an exec\.Cmd literal re-executes this binary \(os\.Executable\(\)\) as role "jail" served by convert; the child runs under another root directory \(SysProcAttr\.Chroot\)`
		Path:        exe,
		Args:        []string{exe, "jail"},
		SysProcAttr: &syscall.SysProcAttr{Chroot: "/var/empty"},
	}
	if err := jail.Run(); err != nil {
		return err
	}

	attr := &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID}
	ns := exec.Command(exe, "ns") // want `keep as a process: .* as role "ns" served by convert; the child runs in new namespaces \(SysProcAttr\.Cloneflags\)`
	ns.SysProcAttr = attr
	if err := ns.Run(); err != nil {
		return err
	}

	leash := exec.Command(exe, "leash") // want `keep as a process: .* as role "leash" served by convert; the child is sent a signal when the thread that started it exits \(SysProcAttr\.Pdeathsig\)`
	leash.SysProcAttr = &syscall.SysProcAttr{}
	leash.SysProcAttr.Pdeathsig = syscall.SIGKILL
	if err := leash.Run(); err != nil {
		return err
	}

	// A session of its own, never waited for: meant to outlive us.
	indexer := exec.Command(exe, "indexer") // want `keep as a process: .* as role "indexer" served by convert; the child starts a session of its own and is never waited for, so it outlives the parent \(SysProcAttr\.Setsid\)`
	indexer.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := indexer.Start(); err != nil {
		return err
	}
	if err := indexer.Process.Release(); err != nil {
		return err
	}

	// A session of its own so that ^C does not reach it, but waited for:
	// a worker still. So is one with Setpgid, and zero-valued fields.
	compress := exec.Command(exe, "compress") // want `worker spawned with exec\.Command re-executes this binary \(os\.Executable\(\)\) as role "compress" served by convert; a candidate to run as a goroutine`
	compress.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setpgid: true, Credential: nil, Chroot: "", Cloneflags: 0}
	if err := compress.Start(); err != nil {
		return err
	}
	defer compress.Wait()

	// The role's own code isolates the child.
	if err := exec.Command(exe, "privdrop").Run(); err != nil { // want `keep as a process: .* as role "privdrop" served by serveUnprivileged; the child drops privileges with syscall\.Setgroups in dropPrivileges`
		return err
	}
	return exec.Command(exe, "limited").Run() // want `keep as a process: .* as role "limited" served by convert; the child sets resource limits with syscall\.Setrlimit`
}
