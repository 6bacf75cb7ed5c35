// Command cmdtimeout waits for a command on a goroutine and, after a
// timeout, reads the command's output buffer and exit code while the
// waiting goroutine can still write them.
package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"time"
)

func run() (string, int) {
	var out bytes.Buffer
	cmd := exec.Command("sh", "-c", "echo start; sleep 0.2; echo end")
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		panic(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- cmd.Wait() // want `cmd.ProcessState is written \(set by cmd.Wait\) by the goroutine started at main.go:21 and read by run while it runs; nothing waits for the goroutine in between, and no lock is held at either` `out is written \(written by the command's output until cmd.Wait returns\) by the goroutine started at main.go:21 and read by run while it runs; nothing waits for the goroutine in between, and no lock is held at either`
	}()
	select {
	case <-done:
	case <-time.After(50 * time.Millisecond):
		_ = cmd.Process.Kill()
	}
	return out.String(), cmd.ProcessState.ExitCode() // related `out is read here by run while it runs` `cmd\.ProcessState is read here by run while it runs`
}

func main() {
	fmt.Println(run())
	time.Sleep(300 * time.Millisecond)
}
