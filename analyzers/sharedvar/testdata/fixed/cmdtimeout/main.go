// Command cmdtimeout waits for a command on a goroutine and, after a
// timeout, kills the command and waits for that goroutine before it
// reads the command's output buffer and exit code. cmd.Wait writes both,
// so no mutex of ours can guard them: waiting for it is the fix.
package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
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
		done <- cmd.Wait()
	}()
	select {
	case <-done:
	case <-time.After(50 * time.Millisecond):
		_ = cmd.Process.Kill()
		<-done
	}
	return out.String(), cmd.ProcessState.ExitCode()
}

func main() {
	// Whether "start" was written before the kill depends on how fast
	// the shell starts; that the end was not, and that the command was
	// killed, does not.
	out, code := run()
	fmt.Println(strings.Contains(out, "end"), code)
}
