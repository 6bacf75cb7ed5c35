package main

import (
	"os"
	"os/exec"
	"testing"
)

// TestHelperProcess is the helper-process idiom: not reported, even under
// -execworker.external.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("GO_WANT_HELPER_PROCESS") != "1" {
		cmd := exec.Command(os.Args[0], "-test.run=TestHelperProcess")
		cmd.Env = append(os.Environ(), "GO_WANT_HELPER_PROCESS=1")
		if err := cmd.Run(); err != nil {
			t.Fatal(err)
		}
		return
	}
	os.Exit(0)
}
