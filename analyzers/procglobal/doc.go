// Package procglobal defines an Analyzer that reports worker code using
// state that belongs to the whole process.
//
// # Analyzer procglobal
//
// procglobal: report worker code that uses state belonging to the whole process
//
// A worker started by re-executing the running binary (see execworker)
// has a process of its own: its os.Exit, its standard streams, its
// environment, working directory, flags, signal handlers, umask, user IDs,
// resource limits, loggers and registries touch that worker only. Once the
// worker runs as a goroutine of its parent, the same calls act on the
// parent and on every other worker:
//
//	func serveAgent(in io.Reader, out io.Writer) error {
//		log.SetPrefix("agent: ")      // reported: changes the parent's logger
//		if err := work(in, out); err != nil {
//			log.Fatal(err)            // reported: ends the parent and every worker
//		}
//		return nil
//	}
//
// The analyzer reports such uses only in worker code: the branch that
// serves a role some spawn of the package starts, and every function of
// the package that the branch can run. The same calls in the parent, or in
// a package with no worker, are not reported. The table of what counts is
// the one the rewriter refuses: os.Exit, log.Fatal and syscall.Exit; the
// standard streams, fmt.Print and fmt.Scan, print and println; the
// standard logger and slog's default; os.Args; os.Chdir, os.Setenv,
// os.Unsetenv and os.Clearenv; flag.Parse and the global flag set;
// signal.Notify, Ignore and Reset; Umask, Setuid, Setgid, Setgroups and
// Setrlimit; Unshare and Setns; math/rand.Seed; runtime.GOMAXPROCS and the
// runtime/debug setters; and registrations allowed once per process, on
// http.DefaultServeMux, expvar and Prometheus's default registry. Each
// report's category is the kind of state, such as exit, stdio or env.
//
// The branch may use os.Args, the standard streams and os.Exit called as
// a statement: the rewriter replaces those when it moves the branch into
// a function. runtime.LockOSThread is reported only when worker code also
// changes namespace with Unshare or Setns.
//
// Two hazards need more than a name. A change of working directory is
// reported with, as related information, the file operations with a
// constant relative path that follow it in the same function. A read with
// os.Getenv or os.LookupEnv is reported when the parent puts that variable
// in the Env of the worker's command ("NAME=" in a constant string): a
// goroutine reads the parent's environment instead.
//
// Worker code that calls a function of another package is reported at the
// call when that function, or one it calls, uses process-global state.
// The analyzer exports a fact for each exported function outside the
// standard library, with the first use of each kind it reaches and the
// chain of calls to it, so this works under go vet too.
//
// Each use is reported once, naming the first role that reaches it. A
// test's helper process (see execworker) is not a worker, and neither is
// a role that no spawn of the package starts, such as a subcommand.
//
// The analyzer offers no fix. The message says what migrate rewrite does
// about the use today.
package procglobal
