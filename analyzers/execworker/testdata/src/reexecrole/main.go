// Command reexecrole unpacks and collects image layers in child processes
// started through the re-exec helper: each child is this binary started
// under a registered name as argv[0], which reexec.Init dispatches on.
package main

import (
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"

	"github.com/moby/sys/reexec"
)

func init() {
	reexec.Register("snapshotter-unpack", unpackMain)
	reexec.Register("snapshotter-gc", func() {
		fmt.Fprintln(os.Stdout, "collected")
		os.Exit(0)
	})
}

func main() {
	if reexec.Init() {
		return
	}
	if err := unpack("layer.tar"); err != nil {
		log.Fatal(err)
	}
	gc := &exec.Cmd{Path: reexec.Self(), Args: []string{"snapshotter-gc"}, Stdout: os.Stdout} // want `worker spawned with an exec\.Cmd literal re-executes this binary \(reexec\.Self\(\)\) as argv\[0\] "snapshotter-gc" handled inline in the registered function; a candidate to run as a goroutine`
	if err := gc.Run(); err != nil {
		log.Fatal(err)
	}

	// Nothing is registered under this name: reexec.Init returns false
	// and the child runs main. Not a worker.
	exec.Command("/proc/self/exe").Start()
}

func unpack(layer string) error {
	cmd := reexec.Command("snapshotter-unpack", layer) // want `worker spawned with reexec\.Command re-executes this binary \(reexec\.Self\(\)\) as argv\[0\] "snapshotter-unpack" served by unpackMain; a candidate to run as a goroutine`
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	io.Copy(os.Stdout, out)
	return cmd.Wait()
}

// unpackMain is the child's main, for argv[0] "snapshotter-unpack".
func unpackMain() {
	fmt.Println("unpacked", os.Args[1])
	os.Exit(0)
}
