// Package sharedvar defines an Analyzer that reports variables that
// goroutines share without synchronization, and exports Find, which gives
// the rewriter the shared variables of a package with what each is for.
//
// # Analyzer sharedvar
//
// sharedvar: report variables that goroutines share without synchronization
//
// While workers were processes, each had its own copy of every package
// variable; as goroutines they share one. The analyzer reports a
// variable that two pieces of code can access at the same time, at least
// one of them writing, with no lock, atomic operation or wait between
// them: in code that is already concurrent, and in worker code that the
// migration will make concurrent.
//
// Concurrent code is the function of a go statement, a function passed to
// sync.WaitGroup.Go, errgroup.Group.Go or TryGo, time.AfterFunc or
// context.AfterFunc, an HTTP handler registered with net/http, a test or
// subtest after it calls t.Parallel, and the branch that serves a worker
// role, with every function of the package they call; calls into other
// packages are followed through facts. Such code runs beside the code
// that started it until a wait for it, beside another run of itself when
// it is started in a loop, per request or per worker, and beside other
// concurrent code.
//
// Reported are package variables, variables a goroutine's function
// literal captures, and fields of values handed to goroutines:
//
//	var hits int64
//
//	for range 8 {
//		go func() {
//			hits++ // reported: written by every run of the goroutine
//		}()
//	}
//
// Two accesses are ordered, and not reported, when a go statement
// separates them, or a wait: sync.WaitGroup.Wait after Done, or after the
// function wg.Go runs; errgroup's Wait; a receive after a send or a close
// of the same channel, including a select case that receives; an atomic
// load after an atomic store; a Lock after an Unlock. They are guarded
// when both hold one mutex, at least one for writing, with defer Unlock
// and locking helpers followed; writes in sync.Once.Do are guarded
// against each other and against reads after a Do of the same Once.
// Writes in package initializers and init functions come before all
// concurrent code. Atomic accesses do not race with each other, but with
// a plain access they do. Loop variables are one per iteration from Go
// 1.22 on, by the file's Go version; before, all iterations share one.
//
// Each report names the variable, the two accesses, the second as related
// information, and why nothing orders them:
//
//	hits is written by the goroutine started at main.go:16 and by another run of that goroutine; its runs overlap, and no lock is held at either
//
// Some reports come with a small fix: a package counter only added to
// becomes a sync/atomic type, a loop variable of code before Go 1.22 is
// copied before the go statement, a function that writes holding only a
// read lock takes the write lock, and a statement that reads or writes
// without the mutex that guards the variable elsewhere takes it. Guarding
// or privatizing every access of a variable is migrate rewrite's job.
//
// When unsure, the analyzer stays silent: it assumes a lock it cannot
// name is the one that guards, an unseen callback signals, and code
// deferred in a branch runs on a path that started nothing. See
// docs/analyzers.md#sharedvar for what is modeled and what is not.
package sharedvar
