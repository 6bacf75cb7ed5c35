package procglobal

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// envReads reports reads, in the worker code of d, of the environment
// variables that the parent sets for each worker it spawns:
//
//	cmd.Env = append(os.Environ(), "AGENT_ID="+strconv.Itoa(id)) // parent
//	id := os.Getenv("AGENT_ID")                                  // worker: reported
//
// A child read what its parent gave it; a goroutine reads the parent's
// own environment, where the variable is unset or holds one value for all.
//
// TODO(procmigrate): an environment built in a variable first
// (env := ...; cmd.Env = env) is not followed, nor are reads in other
// packages.
func (r *reporter) envReads(d *workers.Dispatch, spawns []*workers.Spawn, regions []region) {
	keys := r.workerEnv(spawns)
	if len(keys) == 0 {
		return
	}
	for _, rg := range regions {
		ast.Inspect(rg.root, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return true
			}
			fn := typeutil.StaticCallee(r.pass.TypesInfo, call)
			if fn == nil || !isObj(fn, "os", "Getenv") && !isObj(fn, "os", "LookupEnv") && !isObj(fn, "syscall", "Getenv") {
				return true
			}
			key, ok := constString(r.pass.TypesInfo, call.Args[0])
			set := keys[key]
			id := workers.RefIdent(call.Fun)
			if !ok || set == nil || id == nil || r.done[doneKey{id, workers.KindEnv}] {
				return true
			}
			r.done[doneKey{id, workers.KindEnv}] = true
			name := fn.Pkg().Name() + "." + fn.Name()
			r.pass.Report(analysis.Diagnostic{
				Pos:      call.Pos(),
				End:      call.End(),
				Category: workers.KindEnv,
				Message: fmt.Sprintf("worker code for role %q reads %s with %s, which in-process reads the parent's environment, not the value the parent passes to each worker in cmd.Env; %s",
					d.Role, key, name, rewriteEnv),
				Related: []analysis.RelatedInformation{{
					Pos:     set.Pos(),
					End:     set.End(),
					Message: fmt.Sprintf("the parent sets %s for each worker here", key),
				}},
			})
			return true
		})
	}
}

// workerEnv returns the variables that the parent puts in the Env field
// of the commands of spawns, by name, each with the expression that sets
// it first: the constant string that starts "NAME=".
func (r *reporter) workerEnv(spawns []*workers.Spawn) map[string]ast.Expr {
	cmds := make(map[*types.Var]bool)
	for _, s := range spawns {
		if s.Cmd != nil {
			cmds[s.Cmd] = true
		}
	}
	if len(cmds) == 0 {
		return nil
	}
	keys := make(map[string]ast.Expr)
	for _, f := range r.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != len(as.Rhs) {
				return true
			}
			for i, lhs := range as.Lhs {
				if r.isCmdEnv(lhs, cmds) {
					envKeys(r.pass.TypesInfo, as.Rhs[i], keys)
				}
			}
			return true
		})
	}
	return keys
}

// isCmdEnv reports whether e is the Env field of one of cmds: cmd.Env.
func (r *reporter) isCmdEnv(e ast.Expr, cmds map[*types.Var]bool) bool {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	field, ok := r.pass.TypesInfo.Uses[sel.Sel].(*types.Var)
	if !ok || !field.IsField() || field.Name() != "Env" || field.Pkg() == nil || field.Pkg().Path() != "os/exec" {
		return false
	}
	id := workers.RefIdent(sel.X)
	v, ok := r.pass.TypesInfo.Uses[id].(*types.Var)
	return id != nil && ok && cmds[v]
}

// envKeys adds to keys the names of the variables that constant strings
// of the form "NAME=..." in e set, looking inside non-constant
// expressions such as "NAME="+v and fmt.Sprintf("NAME=%d", n).
func envKeys(info *types.Info, e ast.Expr, keys map[string]ast.Expr) {
	ast.Inspect(e, func(n ast.Node) bool {
		x, ok := n.(ast.Expr)
		if !ok {
			return true
		}
		s, ok := constString(info, x)
		if !ok {
			return true
		}
		if name, _, ok := strings.Cut(s, "="); ok && isEnvName(name) && keys[name] == nil {
			keys[name] = x
		}
		return false // the parts of a constant are no further settings
	})
}

// isEnvName reports whether s is a portable environment variable name.
func isEnvName(s string) bool {
	for i, c := range s {
		if !(c == '_' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return s != ""
}

// constString returns the value of e if it is a constant string.
func constString(info *types.Info, e ast.Expr) (string, bool) {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(tv.Value), true
}
