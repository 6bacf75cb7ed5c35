// Package main imports os/exec under another name and dot-imports os; two
// spawns start the same role, whose worker side is reported once.
package main

import (
	"encoding/json"
	"io"
	. "os"
	osexec "os/exec"
)

type msg struct{ Text string }

func main() {
	if len(Args) > 1 && Args[1] == "echo" {
		echo(Stdin, Stdout) // want `worker "echo" reads msg values from stdin with json\.Decoder in echo` `worker "echo" writes msg values to stdout with json\.Encoder in echo`
		return
	}
	for i := 0; i < 2; i++ {
		cmd := osexec.Command(Args[0], "echo")
		in, _ := cmd.StdinPipe() // want `stdin pipe of worker "echo" carries msg values encoded with json\.Encoder`
		json.NewEncoder(in).Encode(msg{"hi"})
		in.Close()
		cmd.Run()
	}
	other := osexec.Command(Args[0], "echo")
	out, _ := other.StdoutPipe() // want `stdout pipe of worker "echo" carries msg values decoded with json\.Decoder`
	var m msg
	json.NewDecoder(out).Decode(&m)
}

func echo(r io.Reader, w io.Writer) {
	dec, enc := json.NewDecoder(r), json.NewEncoder(w)
	for {
		var m msg
		if dec.Decode(&m) != nil {
			return
		}
		enc.Encode(m)
	}
}
