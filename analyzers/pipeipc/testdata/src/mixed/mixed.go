// Package main spawns workers whose role is not a constant, and wraps one
// pipe in two codecs.
package main

import (
	"encoding/gob"
	"encoding/json"
	"os"
	"os/exec"
)

func main() {
	for _, role := range []string{"a", "b"} {
		spawn(role)
	}
}

func spawn(role string) {
	cmd := exec.Command(os.Args[0], role)
	in, _ := cmd.StdinPipe() // want `stdin pipe of a worker with a non-constant role carries int values encoded with json\.Encoder, then int values encoded with gob\.Encoder`
	json.NewEncoder(in).Encode(1)
	gob.NewEncoder(in).Encode(2)
	out, _ := cmd.StdoutPipe() // want `stdout pipe of a worker with a non-constant role carries values decoded with json\.Decoder`
	dec := json.NewDecoder(out)
	_ = dec
	cmd.Run()
}
