// Command rpcplugin runs its plugins as child processes of its own binary
// and calls them with net/rpc over the child's stdin and stdout, joined
// into one connection. A plugin is stopped with an interrupt, and killed
// if it has not exited two seconds later.
package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net/rpc"
	"os"
	"os/exec"
	"strings"
	"time"
)

// GreetArgs is the request of Greeter.Greet.
type GreetArgs struct{ Name string }

// GreetReply is the reply of Greeter.Greet.
type GreetReply struct{ Text string }

// Greeter is the service a plugin exports.
type Greeter struct{ prefix string }

// Greet answers a greeting.
func (g *Greeter) Greet(args *GreetArgs, reply *GreetReply) error {
	if args.Name == "" {
		return errors.New("no name")
	}
	reply.Text = g.prefix + strings.ToUpper(args.Name)
	return nil
}

// conn joins the two pipes of a child into the connection net/rpc wants.
type conn struct {
	io.ReadCloser
	io.WriteCloser
}

// Close closes both directions, the writer first so the other side sees
// the end of its input.
func (c conn) Close() error {
	werr := c.WriteCloser.Close()
	rerr := c.ReadCloser.Close()
	return errors.Join(werr, rerr)
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "plugin" {
		if err := servePlugin(); err != nil {
			log.Fatal(err)
		}
		return
	}
	exe, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	p, err := startPlugin(exe)
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	for _, name := range os.Args[1:] {
		text, err := p.Greet(name)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(text)
	}
}

// servePlugin serves the plugin's methods on its standard streams until
// the host closes stdin.
func servePlugin() error {
	srv := rpc.NewServer()
	if err := srv.Register(&Greeter{prefix: "hello, "}); err != nil {
		return err
	}
	srv.ServeConn(conn{os.Stdin, os.Stdout}) // want `worker "plugin" reads net/rpc calls from stdin with rpc\.Server in servePlugin` `worker "plugin" writes net/rpc calls to stdout with rpc\.Server in servePlugin`
	return nil
}

// plugin is the host's handle on one plugin process.
type plugin struct {
	cmd    *exec.Cmd
	client *rpc.Client
	exited chan error
}

func startPlugin(exe string) (*plugin, error) {
	cmd := exec.Command(exe, "plugin") // want `worker spawned with exec\.Command re-executes this binary \(os\.Executable\(\)\) as role "plugin" served by servePlugin; a candidate to run as a goroutine`
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe() // want `stdin pipe of worker "plugin" carries net/rpc calls to Greeter\.Greet made with rpc\.Client`
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe() // want `stdout pipe of worker "plugin" carries net/rpc calls to Greeter\.Greet made with rpc\.Client`
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	return &plugin{
		cmd:    cmd,
		client: rpc.NewClient(conn{stdout, stdin}),
		exited: exited,
	}, nil
}

// Greet calls the plugin's Greeter.
func (p *plugin) Greet(name string) (string, error) {
	var reply GreetReply
	if err := p.client.Call("Greeter.Greet", &GreetArgs{Name: name}, &reply); err != nil {
		return "", err
	}
	return reply.Text, nil
}

// Close asks the plugin to exit, then kills it if it does not. The
// goroutine started with the plugin waits for it either way.
func (p *plugin) Close() error {
	p.client.Close()
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		return err
	}
	select {
	case err := <-p.exited:
		return err
	case <-time.After(2 * time.Second):
		p.cmd.Process.Kill()
		return <-p.exited
	}
}
