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
type Model struct {
	Spawns     []*Spawn
	Dispatches []*Dispatch
}

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
}

// Dispatch is the child side of a role: the branch of a function (usually
// main) that runs when os.Args names the role.
type Dispatch struct {
	Role      string
	Arg       int           // K of the os.Args[K] compared with Role
	Node      ast.Node      // *ast.IfStmt or *ast.CaseClause
	Body      []ast.Stmt    // statements that run for the role
	Func      *ast.FuncDecl // enclosing function
	Serve     *types.Func   // first function of this package called in Body, nil if none
	ServeCall *ast.CallExpr // that call
	Endpoints []*Endpoint   // os.Stdin/os.Stdout/os.Stderr passed to Serve
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

// Codec is an encoder or decoder wrapped around a stream.
type Codec struct {
	Kind  string          // "json.Encoder", "json.Decoder", "gob.Encoder", "gob.Decoder"
	Ctor  *ast.CallExpr   // json.NewEncoder(x) and the like
	Var   *types.Var      // variable holding the codec, nil if none
	Calls []*ast.CallExpr // Encode or Decode calls through Var
	Types []types.Type    // message types: Encode's operand, Decode's pointee; deduplicated
	Other []*ast.Ident    // uses of Var other than as the receiver of Calls
}
