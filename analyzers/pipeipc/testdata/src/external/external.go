// Package main exchanges JSON with another program over pipes: nothing is
// reported.
package main

import (
	"encoding/json"
	"os/exec"
)

func main() {
	cmd := exec.Command("jq", ".")
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Start()
	json.NewEncoder(in).Encode(map[string]int{"a": 1})
	in.Close()
	var v any
	json.NewDecoder(out).Decode(&v)
	cmd.Wait()
}
