//go:build linux

package main

import (
	"io"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// The roles below decide by their own code whether they stay processes.

func chdirRole() {
	if err := os.Chdir("/srv/spool"); err != nil {
		log.Fatal(err)
	}
	copyStdin()
}

func umaskRole() {
	syscall.Umask(0o077)
	copyStdin()
}

func signalsRole() {
	signal.Ignore(syscall.SIGINT)
	copyStdin()
}

func joinnsRole() {
	runtime.LockOSThread()
	if err := unix.Setns(3, unix.CLONE_NEWNET); err != nil {
		log.Fatal(err)
	}
	copyStdin()
}

// pinnedRole only pins its goroutine to a thread, which a goroutine can
// do as well as a process.
func pinnedRole() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	copyStdin()
}

// enter moves the process into a network namespace of its own.
func enter() error {
	runtime.LockOSThread()
	return unix.Unshare(unix.CLONE_NEWNET)
}

// copyStdin copies the standard input to the standard output.
func copyStdin() {
	if _, err := io.Copy(os.Stdout, os.Stdin); err != nil {
		log.Fatal(err)
	}
}

// jailAttr is the attributes of a jailed child.
func jailAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Chroot: "/var/empty"}
}

// groupAttr puts a child in a process group of its own, which a child
// the parent waits for needs no process for.
func groupAttr() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{}
	attr.Setpgid = true
	return attr
}

func children(attrs func() *syscall.SysProcAttr) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	if err := exec.Command(exe, "chdir").Run(); err != nil { // want `keep as a process: .* as role "chdir" served by chdirRole; the child changes its working directory with os\.Chdir in chdirRole`
		return err
	}
	if err := exec.Command(exe, "umask").Run(); err != nil { // want `keep as a process: .* as role "umask" served by umaskRole; the child sets its umask with syscall\.Umask in umaskRole`
		return err
	}
	if err := exec.Command(exe, "signals").Run(); err != nil { // want `keep as a process: .* as role "signals" served by signalsRole; the child changes its signal handling with signal\.Ignore in signalsRole`
		return err
	}
	if err := exec.Command(exe, "netns").Run(); err != nil { // want `keep as a process: .* as role "netns" served by copyStdin; the child enters other namespaces with unix\.Unshare in enter`
		return err
	}
	if err := exec.Command(exe, "joinns").Run(); err != nil { // want `keep as a process: .* as role "joinns" served by joinnsRole; the child enters other namespaces with unix\.Setns in joinnsRole`
		return err
	}
	if err := exec.Command(exe, "pinned").Run(); err != nil { // want `worker spawned with exec\.Command .* as role "pinned" served by pinnedRole; a candidate to run as a goroutine`
		return err
	}

	jailed := exec.Command(exe, "jailed") // want `keep as a process: .* as role "jailed" served by copyStdin; the child runs under another root directory \(SysProcAttr\.Chroot\)`
	jailed.SysProcAttr = jailAttr()
	if err := jailed.Run(); err != nil {
		return err
	}
	grouped := exec.Command(exe, "grouped") // want `worker spawned with exec\.Command .* as role "grouped" served by copyStdin; a candidate to run as a goroutine`
	grouped.SysProcAttr = groupAttr()
	if err := grouped.Run(); err != nil {
		return err
	}
	// A session of its own, waited for by the function it is handed to.
	session := exec.Command(exe, "grouped") // want `worker spawned with exec\.Command .* as role "grouped" served by copyStdin; a candidate to run as a goroutine`
	session.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := runChild(session); err != nil {
		return err
	}
	if err := startWith(exe, jailAttr()); err != nil {
		return err
	}
	opaque := exec.Command(exe, "opaque") // want `keep as a process: .* as role "opaque" served by copyStdin; the child is started with SysProcAttr values the analysis cannot read, which may isolate it`
	opaque.SysProcAttr = attrs()
	return opaque.Run()
}

// runChild runs cmd to its end.
func runChild(cmd *exec.Cmd) error {
	return cmd.Run()
}

// startWith runs a child with the attributes its caller chose.
func startWith(exe string, attr *syscall.SysProcAttr) error {
	cmd := exec.Command(exe, "opaque") // want `keep as a process: .* as role "opaque" served by copyStdin; the child is started with SysProcAttr values the analysis cannot read, which may isolate it`
	cmd.SysProcAttr = attr
	return cmd.Run()
}
