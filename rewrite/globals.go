package rewrite

import (
	"go/ast"
	"go/types"
)

// processWide lists package-level functions and variables whose effect
// reaches the whole process. In a child process they touched only the
// child; on a goroutine they touch the parent and every other worker. The
// value says what goes wrong, worded to follow "worker code uses X, which".
//
// The serving branch itself may use os.Args, the standard streams and
// os.Exit: the rewriter replaces those. Anywhere else in worker code they
// are refused as well.
var processWide = map[string]map[string]string{
	"os": {
		"Stdin":    "in-process reads the parent's standard input",
		"Stdout":   "in-process writes to the parent's standard output",
		"Stderr":   "in-process writes to the parent's standard error, not the worker's",
		"Args":     "in-process holds the parent's arguments",
		"Exit":     "in-process ends the parent and every worker",
		"Chdir":    "changes the working directory of the parent and every worker",
		"Setenv":   whyEnv,
		"Unsetenv": whyEnv,
		"Clearenv": whyEnv,
		"Getpid":   "in-process is the parent's process ID",
		"Getppid":  "in-process is the ID of the parent's own parent",
	},
	"log": {
		"Fatal":     whyEnds,
		"Fatalf":    whyEnds,
		"Fatalln":   whyEnds,
		"Panic":     whyPanicLog,
		"Panicf":    whyPanicLog,
		"Panicln":   whyPanicLog,
		"Print":     whyStderr,
		"Printf":    whyStderr,
		"Println":   whyStderr,
		"SetOutput": whyStdLogger,
		"SetFlags":  whyStdLogger,
		"SetPrefix": whyStdLogger,
		"Default":   "is the parent's standard logger",
		"Writer":    "is the parent's standard error",
		"Output":    whyStderr,
	},
	"fmt": {
		"Print":   whyStdout,
		"Printf":  whyStdout,
		"Println": whyStdout,
		"Scan":    whyStdin,
		"Scanf":   whyStdin,
		"Scanln":  whyStdin,
	},
	"flag": {
		"ExitOnError":   "makes a flag set exit on a parse error, ending the parent once in-process",
		"CommandLine":   "is the parent's flag set",
		"Parse":         "parses the parent's arguments",
		"Parsed":        whyFlagInfo,
		"Args":          whyArgs,
		"Arg":           whyArgs,
		"NArg":          whyArgs,
		"NFlag":         whyFlagInfo,
		"Bool":          whyFlagDef,
		"BoolVar":       whyFlagDef,
		"Int":           whyFlagDef,
		"IntVar":        whyFlagDef,
		"Uint":          whyFlagDef,
		"UintVar":       whyFlagDef,
		"String":        whyFlagDef,
		"StringVar":     whyFlagDef,
		"Duration":      whyFlagDef,
		"DurationVar":   whyFlagDef,
		"Func":          whyFlagDef,
		"BoolFunc":      whyFlagDef,
		"Var":           whyFlagDef,
		"TextVar":       whyFlagDef,
		"Set":           "changes the parent's flag set",
		"Lookup":        whyFlagRead,
		"Visit":         whyFlagRead,
		"VisitAll":      whyFlagRead,
		"Usage":         "is the parent's usage function",
		"PrintDefaults": whyPanicLog,
	},
	"os/signal": {
		"Notify":        whyNotify,
		"Ignore":        whySignals,
		"Reset":         whySignals,
		"Stop":          whySignals,
		"NotifyContext": whyNotify,
	},
	"syscall": {
		"Umask":     "changes the umask of the whole process",
		"Setuid":    whyCreds,
		"Setgid":    whyCreds,
		"Setgroups": whyCreds,
		"Setrlimit": "changes the limits of the whole process",
		"Chdir":     "changes the working directory of the whole process",
		"Chroot":    "changes the root of the whole process",
		"Exit":      whyEnds,
		"Setenv":    whyEnvAll,
		"Unsetenv":  whyEnvAll,
		"Clearenv":  whyEnvAll,
	},
	"runtime": {
		"LockOSThread": "ties the worker to a thread of the shared process",
		"GOMAXPROCS":   "changes the scheduler of the whole process",
		"Goexit":       "ends the worker goroutine without returning",
	},
	"runtime/debug": {
		"SetGCPercent":    "changes the collector of the whole process",
		"SetMaxStack":     whyLimit,
		"SetMaxThreads":   whyLimit,
		"SetMemoryLimit":  "changes the memory limit of the whole process",
		"SetPanicOnFault": "changes fault handling of the whole process",
		"SetTraceback":    "changes tracebacks of the whole process",
	},
	"log/slog": {
		"SetDefault":   "changes the default logger of the parent and every worker",
		"Default":      "is the parent's default logger",
		"Debug":        whySlog,
		"Info":         whySlog,
		"Warn":         whySlog,
		"Error":        whySlog,
		"Log":          whySlog,
		"DebugContext": whySlog,
		"InfoContext":  whySlog,
		"WarnContext":  whySlog,
		"ErrorContext": whySlog,
		"LogAttrs":     whySlog,
	},
	"math/rand": {
		"Seed":            "reseeds the generator the parent and every worker share",
		"HandleFunc":      whyMux,
		"Handle":          whyMux,
		"DefaultServeMux": "is shared by the whole process",
	},
	"expvar": {
		"Publish":   whyOnce,
		"NewInt":    whyOnce,
		"NewFloat":  whyOnce,
		"NewMap":    whyOnce,
		"NewString": whyOnce,
	},
}

// Reasons shared by several entries of processWide.
const (
	whyEnv       = "changes the environment of the parent and every worker"
	whyEnds      = "ends the whole process"
	whyPanicLog  = "writes to the parent's standard error"
	whyStderr    = "writes to the parent's standard error, not the worker's"
	whyStdLogger = "changes the standard logger of the parent and every worker"
	whyStdout    = "writes to the parent's standard output"
	whyStdin     = "reads the parent's standard input"
	whyFlagInfo  = "reports on the parent's flag set"
	whyArgs      = "holds the parent's arguments"
	whyFlagDef   = "defines a flag on the parent's flag set"
	whyFlagRead  = "reads the parent's flag set"
	whyNotify    = "takes the parent's signals"
	whySignals   = "changes signal handling for the whole process"
	whyCreds     = "changes the credentials of the whole process"
	whyEnvAll    = "changes the environment of the whole process"
	whyLimit     = "changes a limit of the whole process"
	whySlog      = "writes through the parent's default logger"
	whyMux       = "registers on the default mux once per process"
	whyOnce      = "registers once per process"
)

// processWideUse is one use of process-wide state in worker code.
type processWideUse struct {
	id  *ast.Ident
	obj types.Object
	why string
}

// findProcessWide returns the uses of process-wide state under n, skipping
// the identifiers in allowed. The builtins print and println write to the
// process's standard error, and count too.
func findProcessWide(n ast.Node, info *types.Info, allowed map[*ast.Ident]bool) []processWideUse {
	var uses []processWideUse
	ast.Inspect(n, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || allowed[id] {
			return true
		}
		if b, ok := info.Uses[id].(*types.Builtin); ok && (b.Name() == "print" || b.Name() == "println") {
			uses = append(uses, processWideUse{id, b, whyStderr})
			return true
		}
		obj := info.Uses[id]
		if obj == nil || obj.Pkg() == nil || obj.Parent() != obj.Pkg().Scope() {
			return true // not a package-level object
		}
		if why, ok := processWide[obj.Pkg().Path()][obj.Name()]; ok {
			uses = append(uses, processWideUse{id, obj, why})
		}
		return true
	})
	return uses
}
