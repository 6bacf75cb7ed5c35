// Command prestarted renders templates in worker processes of its own
// binary. Starting a process is slow, so a goroutine keeps a few started
// ahead of time in a buffered channel and starts a new one each time one
// is taken. Requests and replies are single lines.
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"strings"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "render" {
		if err := render(os.Stdin, os.Stdout); err != nil { // want `worker "render" reads lines from stdin with bufio\.Scanner in render` `worker "render" writes lines to stdout with fmt\.Fprintln in render`
			log.Fatal(err)
		}
		return
	}
	exe, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := newPool(ctx, exe, 4)
	for _, name := range os.Args[1:] {
		out, err := p.Render(name)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(out)
	}
}

// render answers each line of r with one line on w.
func render(r io.Reader, w io.Writer) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if _, err := fmt.Fprintln(w, "<h1>"+strings.TrimSpace(sc.Text())+"</h1>"); err != nil {
			return err
		}
	}
	return sc.Err()
}

// proc is one started worker, used for one request.
type proc struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

// pool hands out started workers.
type pool struct {
	exe   string
	ready chan *proc
}

func newPool(ctx context.Context, exe string, n int) *pool {
	p := &pool{exe: exe, ready: make(chan *proc, n)}
	go p.refill(ctx)
	return p
}

// refill keeps the channel full until ctx ends.
func (p *pool) refill(ctx context.Context) {
	for {
		pr, err := p.start()
		if err != nil {
			log.Printf("starting a renderer: %v", err)
			return
		}
		select {
		case p.ready <- pr:
		case <-ctx.Done():
			pr.close()
			return
		}
	}
}

func (p *pool) start() (*proc, error) {
	cmd := exec.Command(p.exe, "render") // want `worker spawned with exec\.Command re-executes this binary \(os\.Executable\(\)\) as role "render" served by render; a candidate to run as a goroutine`
	in, err := cmd.StdinPipe()           // want `stdin pipe of worker "render" carries lines written with fmt\.Fprintln`
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe() // want `stdout pipe of worker "render" carries lines read with bufio\.Reader\.ReadString`
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &proc{cmd: cmd, in: in, out: bufio.NewReader(out)}, nil
}

// Render takes a started worker, sends it one request and reads its reply.
func (p *pool) Render(name string) (string, error) {
	pr := <-p.ready
	defer pr.close()
	if _, err := fmt.Fprintln(pr.in, name); err != nil {
		return "", err
	}
	line, err := pr.out.ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(line, "\n"), nil
}

// close ends the worker: it exits when its stdin closes.
func (pr *proc) close() {
	pr.in.Close()
	if err := pr.cmd.Wait(); err != nil {
		log.Printf("renderer: %v", err)
	}
}
