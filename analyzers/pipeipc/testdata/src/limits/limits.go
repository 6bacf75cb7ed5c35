// Package limits wraps a pipe in a bufio reader before its decoder and
// hands another pipe to a function that builds the codec: both are
// followed. os.Stdin is wrapped before the serving function gets it, so
// the branch uses it in place.
package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "agent" {
		serve(bufio.NewReader(os.Stdin), os.Stdout) // want `worker "agent" reads raw bytes from stdin in main` `worker "agent" writes int values to stdout with json\.Encoder in serve`
		return
	}
	cmd := exec.Command(os.Args[0], "agent")
	out, _ := cmd.StdoutPipe() // want `stdout pipe of worker "agent" carries int values decoded with json\.Decoder`
	var n int
	json.NewDecoder(bufio.NewReader(out)).Decode(&n)
	in, _ := cmd.StdinPipe() // want `stdin pipe of worker "agent" carries int values encoded with json\.Encoder`
	send(in)
}

func send(w io.Writer) { json.NewEncoder(w).Encode(1) }

func serve(r io.Reader, w io.Writer) {
	send(w)
}
