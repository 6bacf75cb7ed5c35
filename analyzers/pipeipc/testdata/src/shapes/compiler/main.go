// Command compiler keeps one compiler process of its own binary running
// and shares it between many goroutines. Each request is a frame: a
// little-endian uint32 length, then JSON. Requests carry an id, and a
// reader goroutine hands each reply to the caller waiting on that id, so
// replies may come back in any order.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"strings"
	"sync"
)

type request struct {
	ID     uint64 `json:"id"`
	Source string `json:"source"`
}

type response struct {
	ID     uint64 `json:"id"`
	Output string `json:"output"`
	Error  string `json:"error,omitempty"`
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "compile-service" {
		if err := serveCompiler(os.Stdin, os.Stdout); err != nil { // want `worker "compile-service" reads length-prefixed frames from stdin with io\.ReadFull and encoding/binary in serveCompiler` `worker "compile-service" writes length-prefixed frames with encoding/binary, then response values with json\.Marshal, to stdout in serveCompiler`
			log.Fatal(err)
		}
		return
	}
	exe, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	c, err := newCompiler(exe)
	if err != nil {
		log.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, src := range os.Args[1:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := c.Compile(src)
			if err != nil {
				log.Print(err)
				return
			}
			fmt.Println(out)
		}()
	}
	wg.Wait()
	if err := c.Close(); err != nil {
		log.Fatal(err)
	}
}

// serveCompiler answers each request frame of r with a response frame on
// w, until r ends.
func serveCompiler(r io.Reader, w io.Writer) error {
	for {
		var hdr [4]byte
		if _, err := io.ReadFull(r, hdr[:]); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		body := make([]byte, binary.LittleEndian.Uint32(hdr[:]))
		if _, err := io.ReadFull(r, body); err != nil {
			return err
		}
		var req request
		if err := json.Unmarshal(body, &req); err != nil {
			return err
		}
		out, err := json.Marshal(response{ID: req.ID, Output: strings.ToUpper(req.Source)})
		if err != nil {
			return err
		}
		if err := binary.Write(w, binary.LittleEndian, uint32(len(out))); err != nil {
			return err
		}
		if _, err := w.Write(out); err != nil {
			return err
		}
	}
}

// compiler is the parent's handle on the shared compiler process.
type compiler struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser

	wmu sync.Mutex // serializes whole frames
	w   *bufio.Writer

	mu      sync.Mutex
	next    uint64
	pending map[uint64]chan response
	err     error // set once the reader stops
}

func newCompiler(exe string) (*compiler, error) {
	cmd := exec.Command(exe, "compile-service") // want `worker spawned with exec\.Command re-executes this binary \(os\.Executable\(\)\) as role "compile-service" served by serveCompiler; a candidate to run as a goroutine`
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe() // want `stdin pipe of worker "compile-service" carries length-prefixed frames written with encoding/binary, then request values encoded with json\.Marshal`
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe() // want `stdout pipe of worker "compile-service" carries length-prefixed frames read with io\.ReadFull and encoding/binary`
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &compiler{cmd: cmd, stdin: stdin, w: bufio.NewWriter(stdin), pending: make(map[uint64]chan response)}
	go c.readLoop(stdout)
	return c, nil
}

// Compile sends src and waits for the reply with the same id.
func (c *compiler) Compile(src string) (string, error) {
	ch := make(chan response, 1)
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return "", c.err
	}
	c.next++
	id := c.next
	c.pending[id] = ch
	c.mu.Unlock()

	body, err := json.Marshal(request{ID: id, Source: src})
	if err != nil {
		return "", err
	}
	c.wmu.Lock()
	err = binary.Write(c.w, binary.LittleEndian, uint32(len(body)))
	if err == nil {
		_, err = c.w.Write(body)
	}
	if err == nil {
		err = c.w.Flush()
	}
	c.wmu.Unlock()
	if err != nil {
		return "", err
	}
	resp, ok := <-ch
	if !ok {
		return "", c.err
	}
	if resp.Error != "" {
		return "", errors.New(resp.Error)
	}
	return resp.Output, nil
}

// readLoop hands each response to its caller; when the stream ends it
// fails every call still waiting.
func (c *compiler) readLoop(r io.Reader) {
	var err error
	for {
		var hdr [4]byte
		if _, err = io.ReadFull(r, hdr[:]); err != nil {
			break
		}
		body := make([]byte, binary.LittleEndian.Uint32(hdr[:]))
		if _, err = io.ReadFull(r, body); err != nil {
			break
		}
		var resp response
		if err = json.Unmarshal(body, &resp); err != nil {
			break
		}
		c.mu.Lock()
		ch := c.pending[resp.ID]
		delete(c.pending, resp.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- resp
		}
	}
	c.mu.Lock()
	c.err = fmt.Errorf("compiler stopped: %w", err)
	for id, ch := range c.pending {
		close(ch)
		delete(c.pending, id)
	}
	c.mu.Unlock()
}

// Close ends the compiler's input and waits for it to exit.
func (c *compiler) Close() error {
	c.stdin.Close()
	return c.cmd.Wait()
}
