// Package execworker defines an Analyzer that reports worker processes
// started by re-executing the running binary.
//
// # Analyzer execworker
//
// execworker: report worker processes that re-execute this binary
//
// Some programs run their workers by starting their own executable again
// with a role argument and talking to each worker over its standard
// streams. Every worker then costs a process, a copy of the runtime and a
// serialization round trip per message, where a goroutine and a channel
// would do.
//
// The analyzer reports each start of a process whose program is the
// running binary: exec.Command, exec.CommandContext, an exec.Cmd literal
// with a Path, os.StartProcess, syscall.ForkExec or reexec.Command, with
// the program os.Args[0], "/proc/self/exe", the path returned by
// os.Executable, exec.LookPath(os.Args[0]), or a variable, field or
// parameter that only ever holds one of those. A binary built from
// another main package of the module (./bin/worker, a name joined to
// filepath.Dir of the executable, go run ./cmd/worker) is reported too.
// The diagnostic names the role the child is given and the function that
// serves it, found in the child-side dispatch of the package: an os.Args
// comparison or switch, a flag, an environment variable the parent sets in
// cmd.Env, a cobra subcommand, or a function registered under argv[0]:
//
//	func main() {
//		if len(os.Args) > 1 && os.Args[1] == "agent" {
//			os.Exit(serveAgent(os.Stdin, os.Stdout))
//		}
//		exe, err := os.Executable()
//		if err != nil {
//			exe = os.Args[0]
//		}
//		cmd := exec.Command(exe, "agent") // reported: served by serveAgent
//		...
//	}
//
// Each finding has a category: worker when a function of the module
// serves the role; unresolved when the role is not a constant or no
// dispatch in the package handles it, so the rewriter cannot convert the
// worker without help; boundary, "keep as a process", when the child must
// stay a process because its SysProcAttr (Credential, Chroot, Cloneflags,
// Pdeathsig, a Setsid child nobody waits for) or its role's code (dropping
// privileges, changing root, setting resource limits, entering namespaces)
// isolates it from the parent; and external, for other programs, which
// are reported only with -execworker.external. A re-exec that serves no
// role of the package and talks over no pipe is not reported at all: it
// is a daemon detaching itself or a restart handing over its listeners,
// not a worker.
//
// The analyzer exports a fact for each exported function of the module
// whose code isolates the process, so that a role served from another
// package is kept a process as well, also under go vet.
//
// A reported site is a candidate only: the rewriter checks much more, such
// as the worker's use of process-wide state, before it converts one.
//
// Other programs, such as exec.Command("git", "status"), are not reported,
// and neither is the test helper-process idiom, which re-executes a test
// binary with -test.run=... or GO_WANT_HELPER_PROCESS in its environment.
//
// The analyzer offers no fix: the procmigrate rewriter does the conversion.
package execworker
