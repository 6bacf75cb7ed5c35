package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
)

// runResizer resizes one file in a worker process: the literal names this
// binary in Path and the role in Args[1].
func runResizer(exe, file string) error {
	cmd := &exec.Cmd{ // want `worker spawned with an exec\.Cmd literal re-executes this binary \(os\.Executable\(\)\) as role "resize" served by resize; a candidate to run as a goroutine`
		Path:   exe,
		Args:   []string{exe, "resize"},
		Stderr: os.Stderr,
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	fmt.Fprintln(in, file)
	in.Close()
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		fmt.Println(sc.Text())
	}
	return cmd.Wait()
}

// probe checks a worker starts at all. argv[0] is a display name, not the
// role, which os.Args[1] still carries.
func probe() error {
	cmd := exec.Cmd{Path: "/proc/self/exe", Args: []string{"cmdlit-probe", "probe"}} // want `worker spawned with an exec\.Cmd literal re-executes this binary \(/proc/self/exe\) as role "probe" handled inline in main; a candidate to run as a goroutine`
	return cmd.Run()
}

// convert runs ImageMagick, another program: not reported.
func convert(files []string) error {
	cmd := &exec.Cmd{
		Path:   "/usr/bin/convert",
		Args:   append([]string{"convert"}, files...),
		Stdout: os.Stdout,
	}
	return cmd.Run()
}

// resize reads file names and writes what it would do with them.
func resize(r io.Reader, w io.Writer) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if _, err := fmt.Fprintf(w, "resized %s\n", sc.Text()); err != nil {
			return err
		}
	}
	return sc.Err()
}
