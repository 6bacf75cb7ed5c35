// Command workertally runs agents that tally the tasks they handle in a
// map of their own, as each did as a process of its own. Without
// arguments it runs them in-process; with -procs, as processes of this
// binary.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
)

type task struct{ Kind string }

func serve(r io.Reader, w io.Writer) error {
	// Each agent tallies its own tasks, as it did as a process.
	tally := map[string]int{}
	dec := json.NewDecoder(r)
	for {
		var t task
		if err := dec.Decode(&t); err != nil {
			break
		}
		tally[t.Kind]++
	}
	// Report the tasks tallied: as a process, the agent's own.
	n := 0
	for _, c := range tally {
		n += c
	}
	_, err := fmt.Fprintln(w, n)
	return err
}

func tasks(w io.WriteCloser) {
	enc := json.NewEncoder(w)
	for i := range 100 {
		_ = enc.Encode(task{Kind: fmt.Sprint("k", i%4)})
	}
	_ = w.Close()
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "agent" {
		if err := serve(os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		return
	}
	procs := len(os.Args) > 1 && os.Args[1] == "-procs"
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !procs {
				r, w := io.Pipe()
				go tasks(w)
				_ = serve(r, os.Stdout)
				return
			}
			cmd := exec.Command(exe, "agent")
			in, _ := cmd.StdinPipe()
			cmd.Stdout = os.Stdout
			if err := cmd.Start(); err != nil {
				return
			}
			tasks(in)
			_ = cmd.Wait()
		}()
	}
	wg.Wait()
}
