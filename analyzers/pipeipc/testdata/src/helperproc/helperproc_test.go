package helperproc

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"
)

func TestHelper(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=TestHelperProcess", "--", "echo")
	cmd.Env = append(os.Environ(), "GO_WANT_HELPER_PROCESS=1")
	in, _ := cmd.StdinPipe()
	json.NewEncoder(in).Encode("x")
	cmd.Run()
}

func TestHelperProcess(t *testing.T) {
	if os.Getenv("GO_WANT_HELPER_PROCESS") != "1" {
		return
	}
	if len(os.Args) > 3 && os.Args[3] == "echo" {
		var s string
		json.NewDecoder(os.Stdin).Decode(&s)
	}
	os.Exit(0)
}
