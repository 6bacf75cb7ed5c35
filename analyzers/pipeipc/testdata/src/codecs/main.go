// Package main talks to its workers through every channel and codec the
// analyzer names: os.Pipe ends and ExtraFiles, buffers and readers,
// one-shot Output and CombinedOutput, NUL- and length-delimited scanners,
// ReadString, fmt.Fscan, JSON per line with json.Marshal, fmt.Println to
// the stdout it does not name, and jsonrpc over a connection joined from
// two pipes.
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/rpc"
	"net/rpc/jsonrpc"
	"os"
	"os/exec"
	"strings"
)

type point struct{ X, Y int }

type summary struct {
	Count int
	Names []string
}

// Arith is served over jsonrpc.
type Arith struct{}

// Add adds.
func (Arith) Add(p point, sum *int) error { *sum = p.X + p.Y; return nil }

type rwc struct {
	io.Reader
	io.WriteCloser
}

func main() {
	if len(os.Args) < 2 {
		exe, err := os.Executable()
		if err != nil {
			return
		}
		pipes(exe)
		extraFiles(exe)
		buffers(exe)
		oneShot(exe)
		combined(exe)
		rpcClient(exe)
		return
	}
	switch os.Args[1] {
	case "nul":
		sc := bufio.NewScanner(os.Stdin) // want `worker "nul" reads NUL-delimited records from stdin with bufio\.Scanner in main`
		sc.Split(splitNUL)
		for sc.Scan() {
		}
	case "frames":
		readFrames(os.Stdin) // want `worker "frames" reads length-prefixed frames from stdin with bufio\.Scanner in readFrames`
	case "fscan":
		var a, b int
		fmt.Fscan(os.Stdin, &a, &b) // want `worker "fscan" reads int values from stdin with fmt\.Fscan in main`
	case "fd3":
		jobs := os.NewFile(3, "jobs") // want `worker "fd3" reads lines from fd 3 with bufio\.Reader\.ReadString in main`
		r := bufio.NewReader(jobs)
		r.ReadString('\n')
	case "rpc":
		jsonrpc.ServeConn(rwc{os.Stdin, os.Stdout}) // want `worker "rpc" reads net/rpc calls from stdin with jsonrpc server in main` `worker "rpc" writes net/rpc calls to stdout with jsonrpc server in main`
	case "lint":
		var p point
		json.NewDecoder(os.Stdin).Decode(&p) // want `worker "lint" reads point values from stdin with json\.Decoder in main`
		fmt.Fprintln(os.Stderr, "checking", p)
		fmt.Println(p.X + p.Y) // want `worker "lint" writes lines to stdout with fmt\.Println in main`
	case "oneshot":
		var p point
		json.NewDecoder(os.Stdin).Decode(&p)   // want `worker "oneshot" reads point values from stdin with json\.Decoder in main`
		json.NewEncoder(os.Stdout).Encode(p.X) // want `worker "oneshot" writes int values to stdout with json\.Encoder in main`
	}
}

// splitNUL splits at NUL bytes.
func splitNUL(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

func readFrames(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if len(data) < 4 {
			return 0, nil, nil
		}
		n := int(binary.BigEndian.Uint32(data))
		if len(data) < 4+n {
			return 0, nil, nil
		}
		return 4 + n, data[4 : 4+n], nil
	})
	for sc.Scan() {
	}
}

func pipes(exe string) {
	// An os.Pipe as stdin: the parent writes the other end, a JSON value
	// per line.
	r, w, _ := os.Pipe()
	cmd := exec.Command(exe, "nul")
	cmd.Stdin = r // want `stdin of worker "nul", an os\.Pipe, carries point values as JSON lines written with json\.Marshal`
	cmd.Start()
	b, _ := json.Marshal(point{1, 2})
	b = append(b, '\n')
	w.Write(b)
	w.Close()
	cmd.Wait()

	// A NUL-delimited ReadString on the stdout pipe.
	f := exec.Command(exe, "frames")
	out, _ := f.StdoutPipe() // want `stdout pipe of worker "frames" carries NUL-delimited records read with bufio\.Reader\.ReadString`
	f.Start()
	br := bufio.NewReader(out)
	for {
		if _, err := br.ReadString(0); err != nil {
			break
		}
	}
	f.Wait()
}

func extraFiles(exe string) {
	jr, jw, _ := os.Pipe()
	cmd := exec.Command(exe, "fd3")
	cmd.ExtraFiles = []*os.File{jr} // want `fd 3 of worker "fd3", an os\.Pipe passed as ExtraFiles\[0\], carries lines written with fmt\.Fprintln`
	cmd.Start()
	fmt.Fprintln(jw, "job 1")
	jw.Close()
	cmd.Wait()
}

func buffers(exe string) (summary, error) {
	var out bytes.Buffer
	cmd := exec.Command(exe, "fscan")
	cmd.Stdin = strings.NewReader("1 2") // want `stdin of worker "fscan", read from a strings\.Reader, carries raw bytes`
	cmd.Stdout = &out                    // want `stdout of worker "fscan", collected in a bytes\.Buffer, carries summary values decoded with json\.Unmarshal`
	if err := cmd.Run(); err != nil {
		return summary{}, err
	}
	var s summary
	err := json.Unmarshal(out.Bytes(), &s)
	return s, err
}

func oneShot(exe string) (int, error) {
	req, _ := json.Marshal(point{3, 4})
	cmd := exec.Command(exe, "oneshot")
	cmd.Stdin = bytes.NewReader(req) // want `stdin of worker "oneshot", read from a bytes\.Reader, carries point values encoded with json\.Marshal`
	out, err := cmd.Output()         // want `stdout of worker "oneshot", returned by Output, carries int values decoded with json\.Unmarshal`
	if err != nil {
		return 0, err
	}
	var sum int
	err = json.Unmarshal(out, &sum)
	return sum, err
}

func combined(exe string) ([]string, error) {
	req, _ := json.Marshal(point{5, 6})
	cmd := exec.Command(exe, "lint")
	cmd.Stdin = bytes.NewReader(req) // want `stdin of worker "lint", read from a bytes\.Reader, carries point values encoded with json\.Marshal`
	out, err := cmd.CombinedOutput() // want `stdout and stderr of worker "lint", returned by CombinedOutput, carries raw bytes`
	if err != nil {
		return nil, fmt.Errorf("lint: %v: %s", err, out)
	}
	return strings.Split(string(out), "\n"), nil
}

func rpcClient(exe string) (int, error) {
	cmd := exec.Command(exe, "rpc")
	in, _ := cmd.StdinPipe()   // want `stdin pipe of worker "rpc" carries net/rpc calls to Arith\.Add made with jsonrpc client`
	out, _ := cmd.StdoutPipe() // want `stdout pipe of worker "rpc" carries net/rpc calls to Arith\.Add made with jsonrpc client`
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	client := rpc.NewClientWithCodec(jsonrpc.NewClientCodec(rwc{out, in}))
	defer func() {
		client.Close()
		cmd.Wait()
	}()
	var sum int
	err := client.Call("Arith.Add", point{1, 2}, &sum)
	return sum, err
}
