// Package workers finds worker processes in a type-checked package: spawn
// sites that re-execute the running binary, the role dispatch on the child
// side, the pipes between the two and the codecs over them. The analyzers
// report from this model and the rewriter converts from it, so both agree
// on what a worker is.
package workers

import (
	"go/ast"
	"go/types"
)

// Model is every worker-related construct found in one package.
//
// Spawns and Dispatches are what the rewriter converts. Starts and Roles
// are supersets of them, holding the same pointers, which the analyzers
// report from: they add the spawn forms, programs and role mechanisms the
// rewriter does not convert yet, and other programs.
type Model struct {
	Spawns     []*Spawn
	Dispatches []*Dispatch

	// Starts is every process the package starts, in source order: each
	// of Spawns, then (in order) the starts Spawns leaves out: exec.Cmd
	// literals, os.StartProcess, syscall.ForkExec and reexec.Command; the
	// running binary found through exec.LookPath(os.Args[0]) or
	// reexec.Self(); binaries built from another main package of the
	// module; and other programs, of Kind StartExternal. The test
	// helper-process idiom is left out.
	Starts []*Spawn

	// Roles is every role dispatch of the package, in source order: each
	// of Dispatches (Via ViaArgs), and the dispatches on a flag, an
	// environment variable, a cobra subcommand or argv[0].
	Roles []*Dispatch
}

// StartKind classifies a started process by what it can become.
type StartKind string

const (
	// StartWorker is a worker of this module: the running binary, or a
	// binary built from one of the module's main packages, that can run
	// as a goroutine once its role's code is found.
	StartWorker StartKind = "worker"
	// StartExternal is another program, such as git: never a worker.
	StartExternal StartKind = "external"
	// StartBoundary is a worker that must stay a process: its attributes
	// or its role's code isolate it from the parent (see Spawn.Boundary).
	StartBoundary StartKind = "boundary"
)

// Forms of Spawn.Form: how a process is started.
const (
	FormCommand        = "exec.Command"
	FormCommandContext = "exec.CommandContext"
	FormCmdLiteral     = "exec.Cmd"
	FormStartProcess   = "os.StartProcess"
	FormForkExec       = "syscall.ForkExec"
	FormReexec         = "reexec.Command"
)

// Mechanisms of Dispatch.Via: how the child learns its role.
const (
	ViaArgs     = "args"     // os.Args[K] compared with the role
	ViaFlag     = "flag"     // a flag of package flag, parsed and tested
	ViaEnv      = "env"      // os.Getenv of a variable the parent sets in cmd.Env
	ViaCobra    = "cobra"    // a cobra subcommand
	ViaRegistry = "registry" // a function registered under the argv[0] it runs for
)

// Spawn is an os/exec spawn whose program is the running binary.
type Spawn struct {
	Call     *ast.CallExpr // exec.Command or exec.CommandContext call
	Func     *ast.FuncDecl // enclosing declaration, nil at package level
	Ctx      ast.Expr      // context argument, nil for exec.Command
	Name     ast.Expr      // program argument
	Args     []ast.Expr    // arguments after Name
	Ellipsis bool          // the last of Args is spread with ...
	Self     string        // why Name is the running binary: "os.Executable()", "os.Args[0]", "/proc/self/exe"
	Role     string        // constant value of Args[0], "" when not constant
	Cmd      *types.Var    // variable the *exec.Cmd is assigned to, nil if none
	Dispatch *Dispatch     // dispatch for Role in this package, nil if none
	Pipes    []*Pipe       // StdinPipe/StdoutPipe/StderrPipe calls on Cmd

	// The fields below are set on every element of Model.Starts, Spawns
	// included. For a start that is not among Spawns, Call and Ctx are nil
	// unless Form is FormCommand or FormCommandContext, Name is the
	// program argument of its form (nil for reexec.Command), Args are the
	// arguments after argv[0] when the argument vector is written out, and
	// Self is one of the sources above, "exec.LookPath(os.Args[0])" or
	// "reexec.Self()", or "" when the program is not the running binary.

	Kind    StartKind // what the start can become
	Form    string    // how it starts: one of the Form* constants
	At      ast.Node  // what starts it: the call, or the exec.Cmd literal
	Program string    // the main package of this module the program is built from, "" for the running binary or another program
	Binary  string    // how the program names that package's binary: "./bin/worker", "worker beside this binary", "go run ./cmd/worker"
	Argv0   string    // constant argv[0] set apart from the program path, "" if none
	Child   *Dispatch // dispatch of this package that serves the start, by any mechanism (Dispatch when that is set), nil if none

	// Boundary says why the child must stay a process, worded to follow
	// "the child": "runs as another user (SysProcAttr.Credential)". It is
	// "" for an external program and for a worker nothing isolates. The
	// rewriter must not convert a start whose Boundary is set.
	Boundary string

	// Attrs are the fields of syscall.SysProcAttr the start gives a value
	// other than their zero, sorted: those of a boundary, and harmless
	// ones such as Setpgid.
	Attrs []string
}

// Dispatch is the child side of a role: the branch of a function (usually
// main) that runs when os.Args names the role.
type Dispatch struct {
	Role      string
	Arg       int           // K of the os.Args[K] compared with Role
	Node      ast.Node      // *ast.IfStmt or *ast.CaseClause
	Body      []ast.Stmt    // statements that run for the role
	Func      *ast.FuncDecl // enclosing function
	Serve     *types.Func   // first function of this package called in Body (see serve), nil if none; it may run more than once per worker
	ServeCall *ast.CallExpr // that call
	Endpoints []*Endpoint   // os.Stdin/os.Stdout/os.Stderr passed to Serve
	Direct    []*Direct     // os.Stdin/os.Stdout used in Body and in Serve's body, not passed to Serve

	// The fields below are set on every element of Model.Roles,
	// Dispatches included. For a dispatch that is not among Dispatches,
	// Arg is 0, Node is the *ast.IfStmt or *ast.CaseClause that tests a
	// flag or variable, the *ast.CompositeLit of a cobra.Command, or the
	// call or assignment that registers a function; Func is nil at package
	// level; Body is nil and ServeCall nil when the role runs a function
	// value, which is then Serve. Role is the value that selects the
	// role: the flag's value ("true" for a boolean flag), the variable's
	// ("" when any non-empty value does), the subcommand's name or the
	// registered argv[0].

	Via   string      // how the child learns its role: one of the Via* constants
	Key   string      // flag name (ViaFlag), variable (ViaEnv), command path below the root (ViaCobra); "" otherwise
	Entry *types.Func // the function that serves the role: Serve, or else one of another package of the module (see Options.InModule); nil if none
}

// Pipe is one standard stream of a spawned worker, seen from the parent.
type Pipe struct {
	Stream string        // "stdin", "stdout" or "stderr"
	Call   *ast.CallExpr // cmd.StdinPipe() and the like
	Var    *types.Var    // variable the pipe end is assigned to, nil if none
	Uses   []*ast.Ident  // every use of Var after its definition
	Codec  *Codec        // the one codec built on Var, nil if none or several
}

// Endpoint is one standard stream seen from the worker's serving function:
// the parameter that receives os.Stdin, os.Stdout or os.Stderr.
type Endpoint struct {
	Stream string     // "stdin", "stdout" or "stderr"
	Arg    int        // index of the argument in Dispatch.ServeCall
	Param  *types.Var // parameter of Dispatch.Serve
	Uses   []*ast.Ident
	Codec  *Codec // the one codec built on Param inside Serve, nil if none or several
}

// Direct is one standard stream that a role's code uses as the process's
// own rather than through a parameter of its serving function:
//
//	dec := json.NewDecoder(os.Stdin)
//
// os.Stderr is left out: it is where workers log, not part of a protocol.
type Direct struct {
	Stream string     // "stdin" or "stdout"
	Uses   []ast.Expr // each os.Stdin or os.Stdout, in source order
	Codec  *Codec     // the one codec built on one of Uses, nil if none or several
}

// Codec is an encoder or decoder wrapped around a stream.
type Codec struct {
	Kind  string          // "json.Encoder", "json.Decoder", "gob.Encoder", "gob.Decoder"
	Ctor  *ast.CallExpr   // json.NewEncoder(x) and the like
	Var   *types.Var      // variable holding the codec, nil if none
	Calls []*ast.CallExpr // Encode or Decode calls through Var
	Types []types.Type    // message types: Encode's operand, Decode's pointee; deduplicated
	Other []*ast.Ident    // uses of Var other than as the receiver of Calls
}
