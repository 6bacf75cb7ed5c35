package rewrite

import (
	"fmt"
	"go/ast"
	"go/types"

	"github.com/dave/dst"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// extraFiles is how a worker's ExtraFiles move in-process. The parent
// makes pipes and hands their ends to the child as descriptors 3 and up;
// the child opens them with os.NewFile:
//
//	r, w, err := os.Pipe()             =>  r, w, err := inprocPipe()
//	cmd.ExtraFiles = []*os.File{w}     =>  cmd.ExtraFiles = []*inprocFile{w}
//	f := os.NewFile(3, "status")       =>  f := proc.newFile(3, "status")
//
// The runtime's pipe keeps what made the descriptors work: the worker
// holds its own end, which closes when it returns, so the parent may
// close its end after Start and read until EOF, as before. os.NewFile in
// worker code is handed over like os.Stdin (see procTargets); the parent's
// side is rewritten here.
//
// Only the plain form converts: a []*os.File literal assigned to the
// command's ExtraFiles, each element nil or an end of a pipe that os.Pipe
// made in the same function. A file of another kind, such as an open
// file or a socket, has no in-process stand-in; such a site stays.
// Whatever else the parent does with the pipe's ends is checked by the
// type check of the rewritten package: *inprocFile has Read, Write, Close
// and Name, and no descriptor.
//
// TODO(procmigrate): worker code that reaches its descriptors other than
// through os.NewFile in a function it runs (a package variable initialized
// with os.NewFile, /dev/fd/3, syscall calls on 3) is not found.
type extraFiles struct {
	lits  []*ast.CompositeLit // the []*os.File literals
	pipes []*ast.CallExpr     // the os.Pipe calls that made their elements
}

// planExtraFiles finds the ExtraFiles of the command of s and returns how
// they convert, or why they cannot.
func planExtraFiles(x *pkgIndex, s *workers.Spawn) (*extraFiles, string) {
	var ef extraFiles
	seen := map[*ast.CallExpr]bool{}
	for obj, ids := range x.uses {
		v, ok := obj.(*types.Var)
		if !ok || !v.IsField() || v.Name() != "ExtraFiles" || v.Pkg() == nil || v.Pkg().Path() != "os/exec" {
			continue
		}
		for _, id := range ids {
			sel, ok := x.parent[id].(*ast.SelectorExpr)
			if !ok || x.isTestFile(id) {
				continue
			}
			if x.enclosingFunc(sel) != s.Func || !isCmdVar(x, sel.X, s) {
				continue // another command's, or one the rewrite does not follow
			}
			lit, why := extraFilesLit(x, sel)
			if why != "" {
				return nil, why
			}
			ef.lits = append(ef.lits, lit)
			for i, elt := range lit.Elts {
				if isNil(x, elt) {
					continue
				}
				call := pipeCall(x, elt, s.Func)
				if call == nil {
					return nil, fmt.Sprintf("ExtraFiles[%d] at %s is not an end of a pipe made with os.Pipe in %s; only such pipes have an in-process stand-in",
						i, x.pos(elt.Pos()), s.Func.Name.Name)
				}
				if !seen[call] {
					seen[call] = true
					ef.pipes = append(ef.pipes, call)
				}
			}
		}
	}
	if len(ef.lits) == 0 {
		return nil, ""
	}
	return &ef, ""
}

// isCmdVar reports whether e is the variable that holds the command of s.
func isCmdVar(x *pkgIndex, e ast.Expr, s *workers.Spawn) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && s.Cmd != nil && x.info.Uses[id] == s.Cmd
}

// extraFilesLit returns the []*os.File literal assigned to the ExtraFiles
// field sel, or why it is set some other way.
func extraFilesLit(x *pkgIndex, sel *ast.SelectorExpr) (*ast.CompositeLit, string) {
	as, ok := x.parent[sel].(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 || as.Lhs[0] != ast.Expr(sel) {
		return nil, fmt.Sprintf("ExtraFiles is used at %s other than by assigning it a []*os.File literal", x.pos(sel.Pos()))
	}
	lit, ok := ast.Unparen(as.Rhs[0]).(*ast.CompositeLit)
	if !ok {
		return nil, fmt.Sprintf("ExtraFiles is assigned at %s a value that is not a []*os.File literal", x.pos(as.Pos()))
	}
	at, ok := lit.Type.(*ast.ArrayType)
	if !ok || at.Len != nil || !isFilePointer(x.info.TypeOf(at.Elt)) {
		return nil, fmt.Sprintf("ExtraFiles is assigned at %s a literal whose type is not written []*os.File", x.pos(as.Pos()))
	}
	for _, elt := range lit.Elts {
		if _, isKV := elt.(*ast.KeyValueExpr); isKV {
			return nil, fmt.Sprintf("the ExtraFiles literal at %s gives indices to its elements", x.pos(lit.Pos()))
		}
	}
	return lit, ""
}

// pipeCall returns the os.Pipe call in fn that defined the variable e
// names, or nil.
func pipeCall(x *pkgIndex, e ast.Expr, fn *ast.FuncDecl) *ast.CallExpr {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := x.info.Uses[id].(*types.Var)
	if !ok || v.Pos() < fn.Pos() || v.Pos() >= fn.End() {
		return nil
	}
	var found *ast.CallExpr
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || found != nil || len(as.Rhs) != 1 {
			return found == nil
		}
		call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
		if !ok {
			return true
		}
		callee := workers.RefIdent(call.Fun)
		if callee == nil || !x.isObj(callee, "os", "Pipe") {
			return true
		}
		for _, lhs := range as.Lhs[:min(2, len(as.Lhs))] {
			if lid, ok := lhs.(*ast.Ident); ok && (x.info.Defs[lid] == v || x.info.Uses[lid] == v) {
				found = call
			}
		}
		return found == nil
	})
	return found
}

func isNil(x *pkgIndex, e ast.Expr) bool {
	return x.info.Types[e].IsNil()
}

// convertExtraFiles rewrites the parent's side of the worker's extra pipes.
func (e *editor) convertExtraFiles(ef *extraFiles) {
	if ef == nil {
		return
	}
	for _, lit := range ef.lits {
		dl := e.dstOf(lit).(*dst.CompositeLit)
		at := dl.Type.(*dst.ArrayType)
		elt := &dst.StarExpr{X: &dst.Ident{Name: "inprocFile"}}
		elt.Decs.NodeDecs = *at.Elt.Decorations()
		at.Elt = elt
		e.touch(lit)
	}
	for _, call := range ef.pipes {
		dc := e.dstOf(call).(*dst.CallExpr)
		id := &dst.Ident{Name: "inprocPipe"}
		id.Decs.NodeDecs = *dc.Fun.Decorations()
		dc.Fun = id
		e.touch(call)
	}
}

// isFilePointer reports whether t is *os.File.
func isFilePointer(t types.Type) bool {
	p, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	named, ok := types.Unalias(p.Elem()).(*types.Named)
	return ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == "os" && named.Obj().Name() == "File"
}
