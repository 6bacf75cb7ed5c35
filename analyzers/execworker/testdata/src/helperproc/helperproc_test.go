package helperproc

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

func fakeCommand(name string, args ...string) *exec.Cmd {
	cs := []string{"-test.run=TestHelperProcess", "--", name}
	cs = append(cs, args...)
	cmd := exec.Command(os.Args[0], cs...)
	cmd.Env = []string{"GO_WANT_HELPER_PROCESS=1"}
	return cmd
}

func envOnly() *exec.Cmd {
	cmd := exec.Command(os.Args[0], "status")
	cmd.Env = append(os.Environ(), "GO_WANT_HELPER_PROCESS=1")
	return cmd
}

func TestStatus(t *testing.T) {
	if err := fakeCommand("git", "status").Run(); err != nil {
		t.Fatal(err)
	}
	if err := envOnly().Run(); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$").Run(); err != nil {
		t.Fatal(err)
	}
}

func TestHelperProcess(t *testing.T) {
	if os.Getenv("GO_WANT_HELPER_PROCESS") != "1" {
		return
	}
	if len(os.Args) > 3 && os.Args[3] == "git" {
		fmt.Println("clean")
	}
	os.Exit(0)
}

// TestWorker shows test files are analyzed: a test that re-executes the
// test binary in a role, without the idiom, is a worker.
func TestWorker(t *testing.T) {
	cmd := exec.Command(os.Args[0], "agent") // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) as role "agent"; no dispatch for the role found in this package`
	out, _ := cmd.StdoutPipe()
	_ = out
}
