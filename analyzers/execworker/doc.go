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
// The analyzer reports each call of exec.Command or exec.CommandContext
// whose program is the running binary: os.Args[0], "/proc/self/exe", the
// path returned by os.Executable, or a variable, field or parameter that
// only ever holds one of those. The argument after the program is the role;
// the diagnostic names the function the child runs for it, found in an
// os.Args dispatch of the same package:
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
// When the role is not a constant, or no dispatch in the package handles
// it, the diagnostic says so instead: the rewriter cannot convert such a
// worker without help. A re-exec that serves no role of the package and
// talks over no pipe is not reported at all: it is a daemon detaching
// itself or a restart handing over its listeners, not a worker.
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
