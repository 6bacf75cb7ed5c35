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
		"Setenv":   "changes the environment of the parent and every worker",
		"Unsetenv": "changes the environment of the parent and every worker",
		"Clearenv": "changes the environment of the parent and every worker",
		"Getpid":   "in-process is the parent's process ID",
		"Getppid":  "in-process is the ID of the parent's own parent",
	},
	"log": {
		"Fatal": "ends the whole process", "Fatalf": "ends the whole process", "Fatalln": "ends the whole process",
		"Panic": "writes to the parent's standard error", "Panicf": "writes to the parent's standard error", "Panicln": "writes to the parent's standard error",
		"Print": "writes to the parent's standard error, not the worker's", "Printf": "writes to the parent's standard error, not the worker's", "Println": "writes to the parent's standard error, not the worker's",
		"SetOutput": "changes the standard logger of the parent and every worker", "SetFlags": "changes the standard logger of the parent and every worker", "SetPrefix": "changes the standard logger of the parent and every worker",
		"Default": "is the parent's standard logger", "Writer": "is the parent's standard error", "Output": "writes to the parent's standard error, not the worker's",
	},
	"fmt": {
		"Print": "writes to the parent's standard output", "Printf": "writes to the parent's standard output", "Println": "writes to the parent's standard output",
		"Scan": "reads the parent's standard input", "Scanf": "reads the parent's standard input", "Scanln": "reads the parent's standard input",
	},
	"flag": {
		"ExitOnError": "makes a flag set exit on a parse error, ending the parent once in-process", "CommandLine": "is the parent's flag set", "Parse": "parses the parent's arguments", "Parsed": "reports on the parent's flag set",
		"Args": "holds the parent's arguments", "Arg": "holds the parent's arguments", "NArg": "holds the parent's arguments", "NFlag": "reports on the parent's flag set",
		"Bool": "defines a flag on the parent's flag set", "BoolVar": "defines a flag on the parent's flag set", "Int": "defines a flag on the parent's flag set", "IntVar": "defines a flag on the parent's flag set",
		"Int64": "defines a flag on the parent's flag set", "Int64Var": "defines a flag on the parent's flag set", "Uint": "defines a flag on the parent's flag set", "UintVar": "defines a flag on the parent's flag set",
		"Uint64": "defines a flag on the parent's flag set", "Uint64Var": "defines a flag on the parent's flag set", "String": "defines a flag on the parent's flag set", "StringVar": "defines a flag on the parent's flag set",
		"Float64": "defines a flag on the parent's flag set", "Float64Var": "defines a flag on the parent's flag set", "Duration": "defines a flag on the parent's flag set", "DurationVar": "defines a flag on the parent's flag set",
		"Func": "defines a flag on the parent's flag set", "BoolFunc": "defines a flag on the parent's flag set", "Var": "defines a flag on the parent's flag set", "TextVar": "defines a flag on the parent's flag set",
		"Set": "changes the parent's flag set", "Lookup": "reads the parent's flag set", "Visit": "reads the parent's flag set", "VisitAll": "reads the parent's flag set", "Usage": "is the parent's usage function", "PrintDefaults": "writes to the parent's standard error",
	},
	"os/signal": {
		"Notify": "takes the parent's signals", "Ignore": "changes signal handling for the whole process", "Reset": "changes signal handling for the whole process", "Stop": "changes signal handling for the whole process", "NotifyContext": "takes the parent's signals",
	},
	"syscall": {
		"Umask": "changes the umask of the whole process", "Setuid": "changes the credentials of the whole process", "Setgid": "changes the credentials of the whole process", "Setgroups": "changes the credentials of the whole process",
		"Setrlimit": "changes the limits of the whole process", "Chdir": "changes the working directory of the whole process", "Chroot": "changes the root of the whole process",
		"Exit": "ends the whole process", "Setenv": "changes the environment of the whole process", "Unsetenv": "changes the environment of the whole process", "Clearenv": "changes the environment of the whole process",
	},
	"runtime": {
		"LockOSThread": "ties the worker to a thread of the shared process", "GOMAXPROCS": "changes the scheduler of the whole process", "Goexit": "ends the worker goroutine without returning",
	},
	"runtime/debug": {
		"SetGCPercent": "changes the collector of the whole process", "SetMaxStack": "changes a limit of the whole process", "SetMaxThreads": "changes a limit of the whole process",
		"SetMemoryLimit": "changes the memory limit of the whole process", "SetPanicOnFault": "changes fault handling of the whole process", "SetTraceback": "changes tracebacks of the whole process",
	},
	"log/slog": {
		"SetDefault": "changes the default logger of the parent and every worker", "Default": "is the parent's default logger",
		"Debug": "writes through the parent's default logger", "Info": "writes through the parent's default logger", "Warn": "writes through the parent's default logger", "Error": "writes through the parent's default logger", "Log": "writes through the parent's default logger",
		"DebugContext": "writes through the parent's default logger", "InfoContext": "writes through the parent's default logger", "WarnContext": "writes through the parent's default logger", "ErrorContext": "writes through the parent's default logger", "LogAttrs": "writes through the parent's default logger",
	},
	"math/rand": {"Seed": "reseeds the generator the parent and every worker share"},
	"net/http": {
		"HandleFunc": "registers on the default mux once per process", "Handle": "registers on the default mux once per process", "DefaultServeMux": "is shared by the whole process",
	},
	"expvar": {
		"Publish": "registers once per process", "NewInt": "registers once per process", "NewFloat": "registers once per process", "NewMap": "registers once per process", "NewString": "registers once per process",
	},
}

// processWideUse is one use of process-wide state in worker code.
type processWideUse struct {
	id  *ast.Ident
	obj types.Object
	why string
}

// findProcessWide returns the uses of process-wide state under n, skipping
// the identifiers in allowed.
func findProcessWide(n ast.Node, info *types.Info, allowed map[*ast.Ident]bool) []processWideUse {
	var uses []processWideUse
	ast.Inspect(n, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || allowed[id] {
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
