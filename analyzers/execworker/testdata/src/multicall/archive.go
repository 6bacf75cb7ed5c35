package main

import (
	"io"
	"os"
	"os/exec"
)

// archive packs and verifies files in child processes of this binary,
// started under the applet's name.
func archive(files []string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	pack := exec.Command("/proc/self/exe", "-9") // want `worker spawned with exec\.Command re-executes this binary \(/proc/self/exe\) as argv\[0\] "pack" served by packMain; a candidate to run as a goroutine`
	pack.Args[0] = "pack"
	pack.Args = append(pack.Args, files...)
	if err := pack.Run(); err != nil {
		return err
	}
	verify := &exec.Cmd{Path: exe, Args: []string{"verify", "out.tar"}} // want `worker spawned with an exec\.Cmd literal re-executes this binary \(os\.Executable\(\)\) as argv\[0\] "verify" handled inline in the registered function; a candidate to run as a goroutine`
	if err := verify.Run(); err != nil {
		return err
	}
	unpack, err := os.StartProcess(exe, []string{"unpack", "out.tar"}, &os.ProcAttr{Files: []*os.File{nil, os.Stdout, os.Stderr}}) // want `worker started with os\.StartProcess re-executes this binary \(os\.Executable\(\)\) as argv\[0\] "unpack" served by unpackMain; a candidate to run as a goroutine`
	if err != nil {
		return err
	}
	_, err = unpack.Wait()
	return err
}

func packMain(args []string) int {
	io.WriteString(os.Stdout, "packed\n")
	return 0
}

func unpackMain(args []string) int {
	io.WriteString(os.Stdout, "unpacked\n")
	return 0
}
