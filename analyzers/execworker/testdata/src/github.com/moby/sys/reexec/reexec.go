// Package reexec stands in for github.com/moby/sys/reexec, which
// analysistest cannot download: a registry of functions run in place of
// main when the binary is started under their name as argv[0].
package reexec

import (
	"context"
	"os"
	"os/exec"
)

var registeredInitializers = make(map[string]func())

// Register adds an initialization func under the specified name.
func Register(name string, initializer func()) {
	if _, exists := registeredInitializers[name]; exists {
		panic("reexec func already registered under name " + name)
	}
	registeredInitializers[name] = initializer
}

// Init runs the function registered under argv[0], if any, and reports
// whether one ran.
func Init() bool {
	if initializer, ok := registeredInitializers[os.Args[0]]; ok {
		initializer()
		return true
	}
	return false
}

// Self returns the path of the running binary.
func Self() string { return "/proc/self/exe" }

// Command returns a command that runs this binary with args, args[0]
// being the name it is started under.
func Command(args ...string) *exec.Cmd {
	return &exec.Cmd{Path: Self(), Args: args}
}

// CommandContext is Command with a context that kills the process.
func CommandContext(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, Self())
	cmd.Args = args
	return cmd
}
