//go:build unix

// Command startprocess checksums its input in a worker it starts with
// os.StartProcess, handing it the ends of two pipes as stdin and stdout.
package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"log"
	"os"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "checksum" {
		os.Exit(checksum(os.Stdin, os.Stdout))
	}
	exe, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	sum, err := run(exe)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sum)

	// sync is another program: not reported.
	p, err := os.StartProcess("/bin/sync", []string{"sync"}, &os.ProcAttr{})
	if err == nil {
		p.Wait()
	}
}

func run(exe string) (string, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return "", err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return "", err
	}
	attr := &os.ProcAttr{Files: []*os.File{inR, outW, os.Stderr}}
	proc, err := os.StartProcess(exe, []string{exe, "checksum"}, attr) // want `worker started with os\.StartProcess re-executes this binary \(os\.Executable\(\)\) as role "checksum" served by checksum; a candidate to run as a goroutine`
	if err != nil {
		return "", err
	}
	inR.Close()
	outW.Close()
	io.WriteString(inW, "payload")
	inW.Close()
	sum, err := io.ReadAll(outR)
	if err != nil {
		return "", err
	}
	if _, err := proc.Wait(); err != nil {
		return "", err
	}
	return string(sum), nil
}

func checksum(r io.Reader, w io.Writer) int {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return 1
	}
	fmt.Fprintf(w, "%x", h.Sum(nil))
	return 0
}
