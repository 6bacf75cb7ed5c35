// Command classes has one shared variable of each class: set up in init
// and only read, a worker's own tally, a counter, a cache keyed by its
// keys, and a value goroutines overwrite.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sync"
)

var (
	greetings = map[string]string{}
	tally     = map[string]int{}
	served    int64
	lengths   = map[string]int{}
	lastPath  string
)

func init() { greetings["en"] = "hello" }

func handle(w http.ResponseWriter, r *http.Request) {
	served++                     // related `served is written here by the same handler for another request` // want `served is written by the handler`
	n, ok := lengths[r.URL.Path] // related `lengths is read here by the same handler for another request`
	if !ok {
		n = len(r.URL.Path)
		lengths[r.URL.Path] = n // want `lengths is written by the handler`
	}
	lastPath = r.URL.Path // related `lastPath is written here by the same handler for another request` // want `lastPath is written by the handler`
	fmt.Fprintln(w, greetings["en"], n)
}

func serve(in io.Reader, out io.Writer) {
	dec := json.NewDecoder(in)
	for {
		var kind string
		if dec.Decode(&kind) != nil {
			break
		}
		tally[kind]++ // related `tally is written here by another worker for role "agent"` // want `tally is written in serve by worker code for role "agent"`
	}
	_ = json.NewEncoder(out).Encode(tally)
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "agent" {
		serve(os.Stdin, os.Stdout)
		return
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = exec.Command(os.Args[0], "agent").Run()
		}()
	}
	wg.Wait()
	http.HandleFunc("/", handle)
	_ = http.ListenAndServe("localhost:8080", nil)
}
