package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/spf13/cobra"
)

func runServer(cmd *cobra.Command, args []string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	w := exec.Command(exe, "worker") // want `worker spawned with exec\.Command re-executes this binary \(os\.Executable\(\)\) as subcommand "worker" served by serveIndex; a candidate to run as a goroutine`
	in, err := w.StdinPipe()
	if err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return err
	}
	fmt.Fprintln(in, "doc-1")
	in.Close()
	if err := w.Wait(); err != nil {
		return err
	}

	m := exec.CommandContext(context.Background(), exe, "merge", "seg-1", "seg-2") // want `worker spawned with exec\.CommandContext re-executes this binary \(os\.Executable\(\)\) as subcommand "merge" served by runMerge; a candidate to run as a goroutine`
	if err := m.Run(); err != nil {
		return err
	}
	out, err := exec.Command(exe, "debug", "dump").Output() // want `as subcommand "debug dump" handled inline in its Run function; a candidate to run as a goroutine`
	if err != nil {
		return err
	}
	fmt.Print(string(out))

	// "dump" alone is no command of the root: nothing serves it.
	return exec.Command(exe, "dump").Run()
}

func runMerge(cmd *cobra.Command, args []string) error {
	_, err := fmt.Fprintf(cmd.OutOrStdout(), "merged %d segments\n", len(args))
	return err
}

func serveIndex(r io.Reader, w io.Writer) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fmt.Fprintf(w, "indexed %s\n", sc.Text())
	}
	return sc.Err()
}
