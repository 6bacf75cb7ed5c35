package workers

import (
	"go/ast"
	"go/types"
)

// Global is state that belongs to the whole process. In a worker process
// it touched only that worker; on a goroutine it touches the parent and
// every other worker.
type Global struct {
	Name string // how code names it: "os.Exit", "print"
	Kind string // what of the process it is, one of the Kind* constants
	Why  string // what goes wrong in-process, worded to follow "worker code uses X, which"

	// Handed says what migrate rewrite does instead, when it hands the
	// worker its own of this state ("" when it cannot, and leaves the
	// site unchanged), worded to follow "migrate rewrite".
	Handed string
}

// Kinds of process-global state.
const (
	KindExit      = "exit"      // ends the process
	KindStdio     = "stdio"     // the standard streams
	KindLogger    = "logger"    // the standard and default loggers
	KindArgs      = "args"      // the command line
	KindEnv       = "env"       // the environment
	KindCwd       = "cwd"       // the working directory and root
	KindFlags     = "flags"     // the global flag set
	KindSignals   = "signals"   // signal handling
	KindUmask     = "umask"     // the file mode mask
	KindCreds     = "creds"     // user and group IDs
	KindRlimit    = "rlimit"    // resource limits
	KindThread    = "thread"    // OS threads and namespaces
	KindRuntime   = "runtime"   // scheduler, collector and other runtime settings
	KindRand      = "rand"      // the global random source
	KindRegistry  = "registry"  // registrations allowed once per process
	KindProcessID = "processid" // the process's own identity
)

type global struct{ kind, why string }

// processGlobals lists package-level functions and variables of the
// standard library and common modules whose effect reaches the whole
// process, by package path and name.
var processGlobals = map[string]map[string]global{
	"os": {
		"Stdin":    {KindStdio, "in-process reads the parent's standard input"},
		"Stdout":   {KindStdio, "in-process writes to the parent's standard output"},
		"Stderr":   {KindStdio, "in-process writes to the parent's standard error, not the worker's"},
		"Args":     {KindArgs, "in-process holds the parent's arguments"},
		"Exit":     {KindExit, "in-process ends the parent and every worker"},
		"Chdir":    {KindCwd, "changes the working directory of the parent and every worker"},
		"Chroot":   {KindCwd, whyRoot},
		"Setenv":   {KindEnv, whyEnv},
		"Unsetenv": {KindEnv, whyEnv},
		"Clearenv": {KindEnv, whyEnv},
		"Getpid":   {KindProcessID, "in-process is the parent's process ID"},
		"Getppid":  {KindProcessID, "in-process is the ID of the parent's own parent"},
	},
	"log": {
		"Fatal":     {KindExit, whyEnds},
		"Fatalf":    {KindExit, whyEnds},
		"Fatalln":   {KindExit, whyEnds},
		"Panic":     {KindLogger, whyStderr},
		"Panicf":    {KindLogger, whyStderr},
		"Panicln":   {KindLogger, whyStderr},
		"Print":     {KindLogger, whyStderr},
		"Printf":    {KindLogger, whyStderr},
		"Println":   {KindLogger, whyStderr},
		"Output":    {KindLogger, whyStderr},
		"SetOutput": {KindLogger, whyStdLogger},
		"SetFlags":  {KindLogger, whyStdLogger},
		"SetPrefix": {KindLogger, whyStdLogger},
		"Default":   {KindLogger, "is the parent's standard logger"},
		"Writer":    {KindLogger, "is the parent's standard error"},
	},
	"log/slog": {
		"SetDefault":   {KindLogger, "changes the default logger of the parent and every worker"},
		"Default":      {KindLogger, "is the parent's default logger"},
		"Debug":        {KindLogger, whySlog},
		"Info":         {KindLogger, whySlog},
		"Warn":         {KindLogger, whySlog},
		"Error":        {KindLogger, whySlog},
		"Log":          {KindLogger, whySlog},
		"DebugContext": {KindLogger, whySlog},
		"InfoContext":  {KindLogger, whySlog},
		"WarnContext":  {KindLogger, whySlog},
		"ErrorContext": {KindLogger, whySlog},
		"LogAttrs":     {KindLogger, whySlog},

		"SetLogLoggerLevel": {KindLogger, "changes the level of the default logger of the parent and every worker"},
	},
	"fmt": {
		"Print":   {KindStdio, whyStdout},
		"Printf":  {KindStdio, whyStdout},
		"Println": {KindStdio, whyStdout},
		"Scan":    {KindStdio, whyStdin},
		"Scanf":   {KindStdio, whyStdin},
		"Scanln":  {KindStdio, whyStdin},
	},
	"flag": {
		"ExitOnError":   {KindFlags, "makes a flag set exit on a parse error, ending the parent once in-process"},
		"CommandLine":   {KindFlags, "is the parent's flag set"},
		"Parse":         {KindFlags, "parses the parent's arguments"},
		"Parsed":        {KindFlags, whyFlagInfo},
		"Args":          {KindFlags, whyArgs},
		"Arg":           {KindFlags, whyArgs},
		"NArg":          {KindFlags, whyArgs},
		"NFlag":         {KindFlags, whyFlagInfo},
		"Bool":          {KindFlags, whyFlagDef},
		"BoolVar":       {KindFlags, whyFlagDef},
		"Int":           {KindFlags, whyFlagDef},
		"IntVar":        {KindFlags, whyFlagDef},
		"Int64":         {KindFlags, whyFlagDef},
		"Int64Var":      {KindFlags, whyFlagDef},
		"Uint":          {KindFlags, whyFlagDef},
		"UintVar":       {KindFlags, whyFlagDef},
		"Uint64":        {KindFlags, whyFlagDef},
		"Uint64Var":     {KindFlags, whyFlagDef},
		"Float64":       {KindFlags, whyFlagDef},
		"Float64Var":    {KindFlags, whyFlagDef},
		"String":        {KindFlags, whyFlagDef},
		"StringVar":     {KindFlags, whyFlagDef},
		"Duration":      {KindFlags, whyFlagDef},
		"DurationVar":   {KindFlags, whyFlagDef},
		"Func":          {KindFlags, whyFlagDef},
		"BoolFunc":      {KindFlags, whyFlagDef},
		"Var":           {KindFlags, whyFlagDef},
		"TextVar":       {KindFlags, whyFlagDef},
		"Set":           {KindFlags, "changes the parent's flag set"},
		"Lookup":        {KindFlags, whyFlagRead},
		"Visit":         {KindFlags, whyFlagRead},
		"VisitAll":      {KindFlags, whyFlagRead},
		"Usage":         {KindFlags, "is the parent's usage function"},
		"PrintDefaults": {KindFlags, "writes to the parent's standard error"},
	},
	"os/signal": {
		"Notify":        {KindSignals, whyNotify},
		"NotifyContext": {KindSignals, whyNotify},
		"Ignore":        {KindSignals, whySignals},
		"Reset":         {KindSignals, whySignals},
		"Stop":          {KindSignals, whySignals},
	},
	"syscall": {
		"Exit":      {KindExit, whyEnds},
		"Umask":     {KindUmask, whyUmask},
		"Setuid":    {KindCreds, whyCreds},
		"Setgid":    {KindCreds, whyCreds},
		"Setreuid":  {KindCreds, whyCreds},
		"Setregid":  {KindCreds, whyCreds},
		"Setresuid": {KindCreds, whyCreds},
		"Setresgid": {KindCreds, whyCreds},
		"Setgroups": {KindCreds, whyCreds},
		"Setrlimit": {KindRlimit, whyRlimit},
		"Chdir":     {KindCwd, whyCwd},
		"Fchdir":    {KindCwd, whyCwd},
		"Chroot":    {KindCwd, whyRoot},
		"Unshare":   {KindThread, whyNamespace},
		"Setenv":    {KindEnv, whyEnv},
		"Unsetenv":  {KindEnv, whyEnv},
		"Clearenv":  {KindEnv, whyEnv},
		"Getpid":    {KindProcessID, "in-process is the parent's process ID"},
	},
	"golang.org/x/sys/unix": {
		"Exit":      {KindExit, whyEnds},
		"Umask":     {KindUmask, whyUmask},
		"Setuid":    {KindCreds, whyCreds},
		"Setgid":    {KindCreds, whyCreds},
		"Setreuid":  {KindCreds, whyCreds},
		"Setregid":  {KindCreds, whyCreds},
		"Setresuid": {KindCreds, whyCreds},
		"Setresgid": {KindCreds, whyCreds},
		"Setgroups": {KindCreds, whyCreds},
		"Setrlimit": {KindRlimit, whyRlimit},
		"Prlimit":   {KindRlimit, whyRlimit},
		"Chdir":     {KindCwd, whyCwd},
		"Fchdir":    {KindCwd, whyCwd},
		"Chroot":    {KindCwd, whyRoot},
		"PivotRoot": {KindCwd, whyRoot},
		"Unshare":   {KindThread, whyNamespace},
		"Setns":     {KindThread, whyNamespace},
		"Setenv":    {KindEnv, whyEnv},
		"Unsetenv":  {KindEnv, whyEnv},
		"Clearenv":  {KindEnv, whyEnv},
		"Getpid":    {KindProcessID, "in-process is the parent's process ID"},
	},
	"runtime": {
		"LockOSThread": {KindThread, "ties the worker to a thread of the shared process"},
		"GOMAXPROCS":   {KindRuntime, "changes the scheduler of the whole process"},
		"Goexit":       {KindExit, "ends the worker goroutine without returning"},
	},
	"runtime/debug": {
		"SetGCPercent":    {KindRuntime, "changes the collector of the whole process"},
		"SetMaxStack":     {KindRuntime, whyLimit},
		"SetMaxThreads":   {KindRuntime, whyLimit},
		"SetMemoryLimit":  {KindRuntime, "changes the memory limit of the whole process"},
		"SetPanicOnFault": {KindRuntime, "changes fault handling of the whole process"},
		"SetTraceback":    {KindRuntime, "changes tracebacks of the whole process"},
		"SetCrashOutput":  {KindRuntime, "changes where the whole process reports a crash"},
	},
	"math/rand": {
		"Seed": {KindRand, "reseeds the generator the parent and every worker share"},
	},
	"net/http": {
		"HandleFunc":      {KindRegistry, whyMux},
		"Handle":          {KindRegistry, whyMux},
		"DefaultServeMux": {KindRegistry, "is shared by the whole process"},
	},
	"expvar": {
		"Publish":   {KindRegistry, whyOnce},
		"NewInt":    {KindRegistry, whyOnce},
		"NewFloat":  {KindRegistry, whyOnce},
		"NewMap":    {KindRegistry, whyOnce},
		"NewString": {KindRegistry, whyOnce},
	},
	"github.com/prometheus/client_golang/prometheus": {
		"MustRegister":      {KindRegistry, whyOnce},
		"Register":          {KindRegistry, whyOnce},
		"DefaultRegisterer": {KindRegistry, "is shared by the whole process"},
	},
	// The package-level constructors of promauto register on the default
	// registry; those of a promauto.With factory do not.
	"github.com/prometheus/client_golang/prometheus/promauto": {
		"NewCounter":      {KindRegistry, whyOnce},
		"NewCounterFunc":  {KindRegistry, whyOnce},
		"NewCounterVec":   {KindRegistry, whyOnce},
		"NewGauge":        {KindRegistry, whyOnce},
		"NewGaugeFunc":    {KindRegistry, whyOnce},
		"NewGaugeVec":     {KindRegistry, whyOnce},
		"NewHistogram":    {KindRegistry, whyOnce},
		"NewHistogramVec": {KindRegistry, whyOnce},
		"NewSummary":      {KindRegistry, whyOnce},
		"NewSummaryVec":   {KindRegistry, whyOnce},
		"NewUntypedFunc":  {KindRegistry, whyOnce},
	},
}

// Reasons shared by several entries of processGlobals.
const (
	whyEnv       = "changes the environment of the parent and every worker"
	whyEnds      = "ends the whole process"
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
	whyCwd       = "changes the working directory of the whole process"
	whyRoot      = "changes the root directory of the whole process"
	whyUmask     = "changes the umask of the whole process"
	whyRlimit    = "changes the resource limits of the whole process"
	whyNamespace = "moves the calling thread into other namespaces, under the parent's goroutines"
	whyLimit     = "changes a limit of the whole process"
	whySlog      = "writes through the parent's default logger"
	whyMux       = "registers on the default mux, once per process"
	whyOnce      = "registers once per process"
)

// ProcessGlobal reports whether obj, a package-level object referred to by
// code, is process-global state, and which. The builtins print and println
// write to the process's standard error and count too.
func ProcessGlobal(obj types.Object) (Global, bool) {
	if b, ok := obj.(*types.Builtin); ok {
		if b.Name() == "print" || b.Name() == "println" {
			return Global{Name: b.Name(), Kind: KindStdio, Why: whyStderr}, true
		}
		return Global{}, false
	}
	if obj == nil || obj.Pkg() == nil || obj.Parent() != obj.Pkg().Scope() {
		return Global{}, false // not a package-level object
	}
	g, ok := processGlobals[obj.Pkg().Path()][obj.Name()]
	if !ok {
		return Global{}, false
	}
	return Global{Name: obj.Pkg().Name() + "." + obj.Name(), Kind: g.kind, Why: g.why,
		Handed: Handed(obj.Pkg().Path(), obj.Name())}, true
}

// Handed returns what migrate rewrite does with a use of the package-level
// object path.name in worker code when it gives the worker its own, or ""
// when it does not. The rewriter's table of replacements is checked
// against this one by its tests.
func Handed(path, name string) string {
	switch path {
	case "os":
		switch name {
		case "Exit":
			return handedExit
		case "Stdin", "Stdout", "Stderr":
			return handedStreams
		case "Args":
			return "hands the worker its own arguments"
		}
	case "fmt":
		switch name {
		case "Print", "Printf", "Println", "Scan", "Scanf", "Scanln":
			return handedStreams
		}
	case "log":
		switch name {
		case "Fatal", "Fatalf", "Fatalln":
			return handedExit
		case "Print", "Printf", "Println", "Panic", "Panicf", "Panicln", "Output",
			"SetOutput", "SetFlags", "SetPrefix", "Default", "Writer":
			return "hands the worker a standard logger of its own, which writes where the child's did"
		}
	case "flag":
		switch name {
		case "ExitOnError", "Usage", "PrintDefaults":
			return ""
		}
		if _, ok := processGlobals["flag"][name]; ok {
			return "hands the worker a flag set of its own, parsed from its own arguments"
		}
	}
	return ""
}

const (
	handedExit    = "makes it end only that worker, with the same status, where nothing recovers it on the way"
	handedStreams = "hands the worker its own standard streams"
)

// GlobalUse is one reference to process-global state.
type GlobalUse struct {
	Ident  *ast.Ident
	Object types.Object
	Global
}

// GlobalUses returns the references to process-global state under n, in
// source order, skipping the identifiers in allowed.
func GlobalUses(n ast.Node, info *types.Info, allowed map[*ast.Ident]bool) []GlobalUse {
	var uses []GlobalUse
	ast.Inspect(n, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || allowed[id] {
			return true
		}
		obj := info.Uses[id]
		if g, ok := ProcessGlobal(obj); ok {
			uses = append(uses, GlobalUse{id, obj, g})
		}
		return true
	})
	return uses
}

// BranchReplaced returns the identifiers under n, a statement of a role's
// branch, that a migration replaces when it moves the branch into a
// function of its own, each with the name of the os object: os.Args, the
// standard streams, and os.Exit called as a statement. Uses inside
// function literals are left out: a closure may run after the branch
// returns, when the replacements no longer stand for anything.
func BranchReplaced(info *types.Info, n ast.Node) map[*ast.Ident]string {
	out := map[*ast.Ident]string{}
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ExprStmt:
			if call, ok := n.X.(*ast.CallExpr); ok {
				if id := RefIdent(call.Fun); id != nil && isPkgFunc(info.Uses[id], "os", "Exit") {
					out[id] = "Exit"
				}
			}
		case *ast.Ident:
			if isPkgVar(info.Uses[n], "os", "Args") {
				out[n] = "Args"
			} else if stream := osStreams[n.Name]; stream != "" && isPkgVar(info.Uses[n], "os", n.Name) {
				out[n] = n.Name
			}
		}
		return true
	})
	return out
}

// EachProcessGlobal calls fn with the package path and name of every
// package-level object in the table of process-global state.
func EachProcessGlobal(fn func(path, name string)) {
	for path := range processGlobals {
		for name := range processGlobals[path] {
			fn(path, name)
		}
	}
}
