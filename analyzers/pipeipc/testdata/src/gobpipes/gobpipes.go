// Package main talks gob with a judge worker and reads its log as text.
package main

import (
	"bufio"
	"encoding/gob"
	"fmt"
	"io"
	"os"
	"os/exec"
)

type job struct{ ID int }

type stop struct{}

type report struct{ OK bool }

func main() {
	switch os.Args[1] {
	case "judge":
		judge(os.Stdin, os.Stdout, os.Stderr) // want `worker "judge" reads job and stop values from stdin with gob\.Decoder in judge` `worker "judge" writes report values to stdout with gob\.Encoder in judge` `worker "judge" writes lines to stderr with fmt\.Fprintf in judge`
		return
	}
	for i := 0; i < 2; i++ {
		run(i)
	}
}

func run(id int) {
	cmd := exec.Command(os.Args[0], "judge")
	in, _ := cmd.StdinPipe()    // want `stdin pipe of worker "judge" carries job and stop values encoded with gob\.Encoder`
	out, _ := cmd.StdoutPipe()  // want `stdout pipe of worker "judge" carries report values decoded with gob\.Decoder`
	logs, _ := cmd.StderrPipe() // want `stderr pipe of worker "judge" carries raw bytes`
	cmd.Start()
	enc := gob.NewEncoder(in)
	enc.Encode(job{id})
	enc.Encode(&stop{})
	in.Close()
	var r report
	gob.NewDecoder(out).Decode(&r)
	io.Copy(os.Stderr, logs)
	cmd.Wait()
}

func judge(in io.Reader, out, logs io.Writer) {
	dec := gob.NewDecoder(in)
	var j job
	dec.Decode(&j)
	var s stop
	dec.Decode(&s)
	gob.NewEncoder(out).Encode(report{OK: true})
	w := bufio.NewWriter(logs)
	fmt.Fprintf(w, "judged %d\n", j.ID)
	w.Flush()
}
