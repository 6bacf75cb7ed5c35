// Package main has an "import" subcommand that reads JSON from stdin and
// runs git with a pipe. No spawn starts the subcommand, so nothing is
// reported.
package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
)

type record struct{ Name string }

func main() {
	if len(os.Args) > 1 && os.Args[1] == "import" {
		importRecords(os.Stdin)
		return
	}
	cmd := exec.Command("git", "log", "--format=%H")
	out, _ := cmd.StdoutPipe()
	cmd.Start()
	sc := bufio.NewScanner(out)
	for sc.Scan() {
	}
	cmd.Wait()
}

func importRecords(r io.Reader) {
	var rec record
	json.NewDecoder(r).Decode(&rec)
}
