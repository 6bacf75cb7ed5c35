// Package cgocall defines an Analyzer that reports calls into C that are
// not safe to make from several threads at once, made by code that runs
// concurrently or by worker code that will once its workers are
// goroutines.
//
// # Analyzer cgocall
//
// cgocall: report calls into C that are unsafe on several threads at once
//
// A worker process that calls into C through cgo has the C library to
// itself: no other thread of its process calls it. Once its workers run
// as goroutines of one process, they call the same C code on several
// threads at once, and C code that keeps state in static storage, which
// was private to each worker process, is shared by all of them.
//
// The analyzer follows the calls of the package's own functions from each
// worker role's branch and from each goroutine the package starts (go
// statements, sync.WaitGroup.Go, errgroup.Group.Go, HTTP handlers), and
// reports three kinds of C call in that code:
//
//   - A call of a libc function that POSIX.1-2017 (section 2.9.1) does not
//     require to be thread-safe, such as strtok, localtime, getpwnam or
//     strerror, naming the reentrant variant where there is one:
//
//     worker "parse" calls C.strtok, which POSIX does not require to be
//     thread-safe; use strtok_r
//
//   - A call of a function defined in the cgo preamble, or in a .c file of
//     the package, that keeps state between calls: a static local, a write
//     to a variable at file scope, a read of one that another function
//     writes, or a call of such a function or of an unsafe libc function.
//     The analyzer reads the C code to say which:
//
//     worker "parse" calls C.next_id, whose preamble definition writes
//     the static variable counter
//
//   - In worker code only, the calls into a library other than libc that
//     the preamble names (#cgo LDFLAGS: -lfoo, #cgo pkg-config: foo, or an
//     #include of a header outside the C library): nothing says whether
//     that library is thread-safe, so its calls are reported once per
//     library, at the first. A call belongs to the one library named, or,
//     when there are several, to the library of the first included header
//     that names the function; a call no header tells is reported as such,
//     once, with no fix.
//
// C functions that only read constants, thread-local or atomic variables,
// or that take a lock, are not reported, nor are calls made while the
// calling function holds a sync.Mutex.
//
// Where the shape of the code proves the meaning is kept, the fix
// switches to the reentrant variant: a dereferenced localtime or gmtime
// call gets a buffer of its own, and a for loop that tokenizes with strtok
// gets a save pointer for strtok_r. Otherwise, when a lock can make the
// calls safe, the fix serializes them behind a package-level sync.Mutex
// per body of C code, held until the call's result is copied. Apply the
// fixes with go fix -fixtool=$(command -v migrate).
//
// The C code is read by a scanner, not a compiler: macros are not
// expanded and both branches of #if are read. The messages, the fixes and
// the limits are described in docs/analyzers.md.
package cgocall
