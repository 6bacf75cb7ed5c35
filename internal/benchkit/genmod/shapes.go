package genmod

// Shapes are the worker programs the generator cycles through, each with
// what migrate rewrite makes of it. Their orchestrators share a frame
// (workerFrame): main dispatches on os.Args[1] or runs n workers on a
// batch of tasks, and each shape differs in how a worker is started and
// how the two ends talk.
var Shapes = []Shape{
	{
		Name:  "typed",
		Level: "TypedChannels",
		Doc:   "JSON both ways through one encoder and decoder per direction, started with exec.CommandContext and os.Executable",
		tmpl:  parse("typed", workerFrame+typedShape),
	},
	{
		Name:  "scanner",
		Level: "InProcess",
		Doc:   "the parent reads the worker's JSON line by line with bufio.Scanner, so the bytes stay on an in-process pipe",
		tmpl:  parse("scanner", workerFrame+scannerShape),
	},
	{
		Name:  "gob",
		Level: "InProcess",
		Doc:   "encoding/gob both ways, which only in-process pipes carry",
		tmpl:  parse("gob", workerFrame+gobShape),
	},
	{
		Name:  "state",
		Level: "TypedChannels",
		Doc:   "a package counter only the worker changes, the standard logger and the environment set through cmd.Env, each handed to the worker",
		tmpl:  parse("state", workerFrame+stateShape),
	},
	{
		Name:  "exit",
		Level: "InProcess",
		Doc:   "started through os.Args[0] and dispatched by a switch to a function that serves and exits with os.Exit from a helper, which ends only that worker once migrated",
		tmpl:  parse("exit", workerFrame+exitShape),
	},
	{
		Name:  "chdir",
		Level: "Unchanged",
		Doc:   "the worker changes the working directory, which a goroutine cannot have of its own, so the site stays a process",
		tmpl:  parse("chdir", workerFrame+chdirShape),
	},
}

// workerFrame is main and the orchestrator around a shape, which defines
// role, serve(in io.Reader, out io.Writer) error and
// runWorker(ctx, exe string, ids []int) ([]uint32, error).
const workerFrame = `// Written by genmod for docs/bench-kit.sh: ordinary, hand-written-looking code.

// Command {{.Shape.Name}}{{.I}} runs tasks on worker processes that re-execute
// it: {{.Shape.Doc}}.
package main

import (
	"bufio"
	"context"
	"encoding/gob"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"sync"
	"time"
)

// Each shape uses some of these packages.
var (
	_ = bufio.NewScanner
	_ = gob.NewEncoder
	_ = json.NewEncoder
	_ = log.Printf
)

// role is the first argument that makes the binary a worker.
const role = "w{{.I}}"

// task is what a worker is sent, result what it answers.
type task struct {
	ID   int    ` + "`json:\"id\"`" + `
	Text string ` + "`json:\"text\"`" + `
}

type result struct {
	ID  int    ` + "`json:\"id\"`" + `
	Sum uint32 ` + "`json:\"sum\"`" + `
}

func main() {
{{- if eq .Shape.Name "exit"}}
	switch {
	case len(os.Args) > 1 && os.Args[1] == role:
		serveOrExit(os.Stdin, os.Stdout)
		return
	}
{{- else}}
	if len(os.Args) > 1 && os.Args[1] == role {
		if err := serve(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", role, err)
			os.Exit(1)
		}
		return
	}
{{- end}}
	workers := flag.Int("workers", 4, "number of workers")
	tasks := flag.Int("tasks", 100, "number of tasks")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sums, err := orchestrate(ctx, *workers, *tasks)
	if err != nil {
		fmt.Fprintf(os.Stderr, "{{.Shape.Name}}{{.I}}: %v\n", err)
		os.Exit(1)
	}
	var total uint32
	for _, s := range sums {
		total ^= s
	}
	fmt.Printf("%d tasks, digest %08x\n", len(sums), total)
}

// orchestrate hands tasks 0..tasks-1 to n workers, each its share in turn.
func orchestrate(ctx context.Context, n, tasks int) ([]uint32, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find executable: %w", err)
	}
	var (
		mu   sync.Mutex
		sums = make([]uint32, tasks)
		errs = make([]error, n)
		wg   sync.WaitGroup
	)
	for w := 0; w < n; w++ {
		var ids []int
		for id := w; id < tasks; id += n {
			ids = append(ids, id)
		}
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			got, err := runWorker(ctx, exe, ids)
			if err != nil {
				errs[w] = fmt.Errorf("worker %d: %w", w, err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for i, id := range ids {
				sums[id] = got[i]
			}
		}(w)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return sums, nil
}

// answer is the work of one task.
func answer(t task) result {
	return result{ID: t.ID, Sum: Digest(fmt.Sprintf("%d/%s", t.ID, t.Text))}
}
`

// typedShape: one JSON encoder and decoder per direction on both ends.
const typedShape = `
// serve answers tasks from in on out until in ends.
func serve(in io.Reader, out io.Writer) error {
	dec := json.NewDecoder(in)
	enc := json.NewEncoder(out)
	for {
		var t task
		if err := dec.Decode(&t); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if err := enc.Encode(answer(t)); err != nil {
			return err
		}
	}
}

// runWorker starts one worker and has it do the tasks ids, one at a time.
func runWorker(ctx context.Context, exe string, ids []int) ([]uint32, error) {
	cmd := exec.CommandContext(ctx, exe, role)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	enc := json.NewEncoder(stdin)
	dec := json.NewDecoder(stdout)
	sums := make([]uint32, 0, len(ids))
	for _, id := range ids {
		if err := enc.Encode(task{ID: id, Text: "typed"}); err != nil {
			return nil, err
		}
		var r result
		if err := dec.Decode(&r); err != nil {
			return nil, err
		}
		sums = append(sums, r.Sum)
	}
	if err := stdin.Close(); err != nil {
		return nil, err
	}
	return sums, cmd.Wait()
}
`

// scannerShape: the parent reads lines and unmarshals each.
const scannerShape = `
// serve answers tasks from in on out, one JSON value a line.
func serve(in io.Reader, out io.Writer) error {
	dec := json.NewDecoder(in)
	enc := json.NewEncoder(out)
	for {
		var t task
		if err := dec.Decode(&t); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if err := enc.Encode(answer(t)); err != nil {
			return err
		}
	}
}

// runWorker sends all of ids, then reads the answers line by line.
func runWorker(ctx context.Context, exe string, ids []int) ([]uint32, error) {
	cmd := exec.CommandContext(ctx, exe, role)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	go func() {
		enc := json.NewEncoder(stdin)
		for _, id := range ids {
			if enc.Encode(task{ID: id, Text: "scanner"}) != nil {
				break
			}
		}
		stdin.Close()
	}()
	sums := make([]uint32, 0, len(ids))
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("line %d: %w", len(sums)+1, err)
		}
		sums = append(sums, r.Sum)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return sums, cmd.Wait()
}
`

// gobShape: encoding/gob both ways.
const gobShape = `
// serve answers gob-encoded tasks from in on out until in ends.
func serve(in io.Reader, out io.Writer) error {
	dec := gob.NewDecoder(in)
	enc := gob.NewEncoder(out)
	for {
		var t task
		if err := dec.Decode(&t); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if err := enc.Encode(answer(t)); err != nil {
			return err
		}
	}
}

// runWorker starts one worker and has it do the tasks ids, one at a time.
func runWorker(ctx context.Context, exe string, ids []int) ([]uint32, error) {
	cmd := exec.CommandContext(ctx, exe, role)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	enc := gob.NewEncoder(stdin)
	dec := gob.NewDecoder(stdout)
	sums := make([]uint32, 0, len(ids))
	for _, id := range ids {
		if err := enc.Encode(task{ID: id, Text: "gob"}); err != nil {
			return nil, err
		}
		var r result
		if err := dec.Decode(&r); err != nil {
			return nil, err
		}
		sums = append(sums, r.Sum)
	}
	if err := stdin.Close(); err != nil {
		return nil, err
	}
	return sums, cmd.Wait()
}
`

// stateShape: a counter of the worker's own, its logger and environment.
const stateShape = `
// served counts the tasks this worker answered; each worker process has
// its own.
var served int

// serve answers tasks from in on out until in ends, logging the count.
func serve(in io.Reader, out io.Writer) error {
	dec := json.NewDecoder(in)
	enc := json.NewEncoder(out)
	tag := os.Getenv("WORKER_TAG")
	for {
		var t task
		if err := dec.Decode(&t); err == io.EOF {
			log.Printf("%s served %d tasks", tag, served)
			return nil
		} else if err != nil {
			return err
		}
		served++
		t.Text += tag
		if err := enc.Encode(answer(t)); err != nil {
			return err
		}
	}
}

// runWorker starts one worker with its tag and has it do the tasks ids.
func runWorker(ctx context.Context, exe string, ids []int) ([]uint32, error) {
	cmd := exec.CommandContext(ctx, exe, role)
	cmd.Env = append(os.Environ(), "WORKER_TAG=state")
	cmd.Stderr = io.Discard
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	enc := json.NewEncoder(stdin)
	dec := json.NewDecoder(stdout)
	sums := make([]uint32, 0, len(ids))
	for _, id := range ids {
		if err := enc.Encode(task{ID: id, Text: "state"}); err != nil {
			return nil, err
		}
		var r result
		if err := dec.Decode(&r); err != nil {
			return nil, err
		}
		sums = append(sums, r.Sum)
	}
	if err := stdin.Close(); err != nil {
		return nil, err
	}
	return sums, cmd.Wait()
}
`

// exitShape: started through os.Args[0]; a helper exits the worker.
const exitShape = `
// serveOrExit serves and exits the worker with status 1 on an error.
func serveOrExit(in io.Reader, out io.Writer) {
	if err := serve(in, out); err != nil {
		fail(err)
	}
}

// fail ends the worker.
func fail(err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", role, err)
	os.Exit(1)
}

// serve answers tasks from in on out until in ends.
func serve(in io.Reader, out io.Writer) error {
	dec := json.NewDecoder(in)
	enc := json.NewEncoder(out)
	for {
		var t task
		if err := dec.Decode(&t); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if err := enc.Encode(answer(t)); err != nil {
			return err
		}
	}
}

// runWorker starts one worker and has it do the tasks ids, one at a time.
func runWorker(ctx context.Context, exe string, ids []int) ([]uint32, error) {
	cmd := exec.CommandContext(ctx, os.Args[0], role)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", exe, err)
	}
	enc := json.NewEncoder(stdin)
	dec := json.NewDecoder(stdout)
	sums := make([]uint32, 0, len(ids))
	for _, id := range ids {
		if err := enc.Encode(task{ID: id, Text: "exit"}); err != nil {
			return nil, err
		}
		var r result
		if err := dec.Decode(&r); err != nil {
			return nil, err
		}
		sums = append(sums, r.Sum)
	}
	if err := stdin.Close(); err != nil {
		return nil, err
	}
	return sums, cmd.Wait()
}
`

// chdirShape: the worker moves to its own directory first.
const chdirShape = `
// serve moves to the temporary directory, as a worker that writes
// scratch files might, and answers tasks from in on out until in ends.
func serve(in io.Reader, out io.Writer) error {
	if err := os.Chdir(os.TempDir()); err != nil {
		return err
	}
	dec := json.NewDecoder(in)
	enc := json.NewEncoder(out)
	for {
		var t task
		if err := dec.Decode(&t); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if err := enc.Encode(answer(t)); err != nil {
			return err
		}
	}
}

// runWorker starts one worker and has it do the tasks ids, one at a time.
func runWorker(ctx context.Context, exe string, ids []int) ([]uint32, error) {
	cmd := exec.CommandContext(ctx, exe, role)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	enc := json.NewEncoder(stdin)
	dec := json.NewDecoder(stdout)
	sums := make([]uint32, 0, len(ids))
	for _, id := range ids {
		if err := enc.Encode(task{ID: id, Text: "chdir"}); err != nil {
			return nil, err
		}
		var r result
		if err := dec.Decode(&r); err != nil {
			return nil, err
		}
		sums = append(sums, r.Sum)
	}
	if err := stdin.Close(); err != nil {
		return nil, err
	}
	return sums, cmd.Wait()
}
`
