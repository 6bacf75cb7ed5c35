package helperproc

import (
	"fmt"
	"log"
	"os"
	"os/exec"
	"testing"
)

func fakeGit(args ...string) *exec.Cmd {
	cs := append([]string{"-test.run=TestHelperProcess", "--", "git"}, args...)
	cmd := exec.Command(os.Args[0], cs...)
	cmd.Env = []string{"GO_WANT_HELPER_PROCESS=1", "GIT_DIR=/tmp/repo"}
	return cmd
}

func fakeGitByEnv() *exec.Cmd {
	cmd := exec.Command(os.Args[0], "git")
	cmd.Env = append(os.Environ(), "GO_WANT_HELPER_PROCESS=1")
	return cmd
}

func TestStatus(t *testing.T) {
	for _, cmd := range []*exec.Cmd{fakeGit("status"), fakeGitByEnv()} {
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		_ = out
	}
}

// TestHelperProcess is the fake git: it may print and exit as it likes.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("GO_WANT_HELPER_PROCESS") != "1" {
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "git" {
		fmt.Println("clean", os.Getenv("GIT_DIR"))
		log.Fatal("done")
	}
	defer os.Exit(0)
	fmt.Fprintln(os.Stdout, "nothing to commit")
}
