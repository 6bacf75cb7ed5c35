// Command restarter runs a crawler in a child process of its own binary
// and starts it again, with a growing back-off, each time it crashes.
// Two goroutines copy the child's output into the log, prefixed; they are
// joined only after Wait has returned.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"sync"
	"time"
)

var crawl = flag.Bool("crawler", false, "run as the crawler child")

func main() {
	flag.Parse()
	if *crawl {
		runCrawler()
		return
	}
	exe, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	backoff := 100 * time.Millisecond
	for {
		err := runOnce(ctx, exe)
		if err == nil || errors.Is(err, context.Canceled) {
			return
		}
		log.Printf("crawler crashed: %v; restarting in %v", err, backoff)
		time.Sleep(backoff)
		backoff = min(2*backoff, 30*time.Second)
	}
}

func runOnce(ctx context.Context, exe string) error {
	cmd := exec.CommandContext(ctx, exe, "-crawler") // want `worker spawned with exec\.CommandContext re-executes this binary \(os\.Executable\(\)\) with flag -crawler served by runCrawler; a candidate to run as a goroutine`
	stdout, err := cmd.StdoutPipe()                  // want `stdout pipe of worker "crawler" carries lines read with bufio\.Scanner`
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe() // want `stderr pipe of worker "crawler" carries lines read with bufio\.Scanner`
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go prefix(&wg, "out", stdout)
	go prefix(&wg, "err", stderr)
	err = cmd.Wait() // want `cmd\.Wait is called while the goroutine started on line 61 may still read the stdout pipe of worker "crawler": Wait closes the pipe, so what the worker wrote last can be lost; wait for the reader first` `cmd\.Wait is called while the goroutine started on line 62 may still read the stderr pipe`
	wg.Wait()
	return err
}

// prefix logs each line of r.
func prefix(wg *sync.WaitGroup, name string, r io.Reader) {
	defer wg.Done()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		log.Printf("[%s] %s", name, sc.Text())
	}
}

func runCrawler() {
	for i := 0; ; i++ {
		fmt.Printf("fetched page %d\n", i) // want `worker "crawler" writes lines to stdout with fmt\.Printf in runCrawler`
		if i == 3 {
			panic("out of pages")
		}
	}
}
