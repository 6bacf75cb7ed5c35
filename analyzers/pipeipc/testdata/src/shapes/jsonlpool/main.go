// Command jsonlpool scores documents in a pool of worker processes of its
// own binary. A worker says "ready" on a line of its own once it has
// loaded its model, then answers one JSON line with one JSON line. Jobs
// wait in a priority queue; a dispatcher hands the most urgent one to
// whichever worker is idle.
package main

import (
	"bufio"
	"container/heap"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"strings"
	"sync"
)

var role = flag.String("role", "", "internal: the role of a child process")

// job is one document to score.
type job struct {
	ID       int    `json:"id"`
	Priority int    `json:"priority"`
	Text     string `json:"text"`
}

// result is a worker's answer to a job.
type result struct {
	ID    int     `json:"id"`
	Score float64 `json:"score"`
	Notes string  `json:"notes,omitempty"`
	Err   string  `json:"err,omitempty"`
}

func main() {
	flag.Parse()
	if *role == "scorer" {
		if err := serveScorer(); err != nil {
			log.Fatal(err)
		}
		return
	}
	exe, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	var workers []*worker
	for i := 0; i < 3; i++ {
		w, err := spawn(exe)
		if err != nil {
			log.Fatal(err)
		}
		workers = append(workers, w)
	}
	q := newQueue()
	go func() {
		for i, text := range flag.Args() {
			q.push(&job{ID: i, Priority: len(text), Text: text})
		}
		q.close()
	}()
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := q.pop(); j != nil; j = q.pop() {
				r, err := w.do(j)
				if err != nil {
					log.Printf("job %d: %v", j.ID, err)
					continue
				}
				fmt.Printf("%d\t%.2f\n", r.ID, r.Score)
			}
			w.stop()
		}()
	}
	wg.Wait()
}

// serveScorer loads the model, says it is ready, and answers each job.
func serveScorer() error {
	out := bufio.NewWriter(os.Stdout) // want `worker "scorer" writes a "ready" handshake line with fmt\.Fprintln, then result values with json\.Encoder, to stdout in serveScorer`
	fmt.Fprintln(out, "ready")
	if err := out.Flush(); err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	dec := json.NewDecoder(os.Stdin) // want `worker "scorer" reads job values from stdin with json\.Decoder in serveScorer`
	for {
		var j job
		if err := dec.Decode(&j); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		r := result{ID: j.ID, Score: float64(len(strings.Fields(j.Text)))}
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
}

// worker is the parent's handle on one scorer process.
type worker struct {
	cmd *exec.Cmd
	enc *json.Encoder
	sc  *bufio.Scanner
}

func spawn(exe string) (*worker, error) {
	cmd := exec.Command(exe, "-role=scorer") // want `worker spawned with exec\.Command re-executes this binary \(os\.Executable\(\)\) with flag -role=scorer served by serveScorer; a candidate to run as a goroutine`
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe() // want `stdin pipe of worker "scorer" carries job values encoded with json\.Encoder`
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe() // want `stdout pipe of worker "scorer" carries a "ready" handshake line read with bufio\.Scanner, then result values as JSON lines read with bufio\.Scanner and json\.Unmarshal`
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(out) // want `bufio\.Scanner on the stdout pipe of worker "scorer" stops with bufio\.ErrTooLong at a line over 64 KiB, and the result values the worker writes have no size limit; set a larger limit with Buffer or decode with json\.Decoder`
	if !sc.Scan() || sc.Text() != "ready" {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("scorer did not start: %v", sc.Err())
	}
	return &worker{cmd: cmd, enc: json.NewEncoder(in), sc: sc}, nil
}

// do sends one job and reads its result.
func (w *worker) do(j *job) (*result, error) {
	if err := w.enc.Encode(j); err != nil {
		return nil, err
	}
	if !w.sc.Scan() {
		if err := w.sc.Err(); err != nil {
			return nil, err
		}
		return nil, io.ErrUnexpectedEOF
	}
	var r result
	if err := json.Unmarshal(w.sc.Bytes(), &r); err != nil {
		return nil, err
	}
	if r.Err != "" {
		return nil, errors.New(r.Err)
	}
	return &r, nil
}

func (w *worker) stop() {
	w.cmd.Process.Signal(os.Interrupt)
	w.cmd.Wait()
}

// queue is a priority queue of jobs that blocks pop until a job or the
// end comes.
type queue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	jobs   jobHeap
	closed bool
}

func newQueue() *queue {
	q := &queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *queue) push(j *job) {
	q.mu.Lock()
	heap.Push(&q.jobs, j)
	q.mu.Unlock()
	q.cond.Signal()
}

func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}

// pop returns the most urgent job, or nil once the queue is closed and
// empty.
func (q *queue) pop() *job {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.jobs) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.jobs) == 0 {
		return nil
	}
	return heap.Pop(&q.jobs).(*job)
}

// jobHeap orders jobs by priority, highest first.
type jobHeap []*job

func (h jobHeap) Len() int           { return len(h) }
func (h jobHeap) Less(i, j int) bool { return h[i].Priority > h[j].Priority }
func (h jobHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *jobHeap) Push(x any)        { *h = append(*h, x.(*job)) }
func (h *jobHeap) Pop() any {
	old := *h
	j := old[len(old)-1]
	*h = old[:len(old)-1]
	return j
}
