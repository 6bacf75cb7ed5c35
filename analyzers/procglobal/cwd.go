package procglobal

import (
	"fmt"
	"go/ast"
	"path/filepath"
	"strings"

	"github.com/procmigrate/procmigrate/analyzers/workers"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// pathArgs lists the functions of package os that resolve a path against
// the working directory, with the indexes of their path arguments. The
// target of Symlink is left out: it is resolved against the link's
// directory.
var pathArgs = map[string][]int{
	"Chmod":     {0},
	"Chown":     {0},
	"Chtimes":   {0},
	"Create":    {0},
	"DirFS":     {0},
	"Lchown":    {0},
	"Link":      {0, 1},
	"Lstat":     {0},
	"Mkdir":     {0},
	"MkdirAll":  {0},
	"MkdirTemp": {0},
	"Open":      {0},
	"OpenFile":  {0},
	"OpenRoot":  {0},
	"ReadDir":   {0},
	"ReadFile":  {0},
	"Readlink":  {0},
	"Remove":    {0},
	"RemoveAll": {0},
	"Rename":    {0, 1},
	"Stat":      {0},
	"Symlink":   {1},
	"Truncate":  {0},
	"WriteFile": {0},
}

// isChdir reports whether fi is a change of the working directory in
// this package's code: Chdir or Fchdir of os, syscall or unix.
func isChdir(fi finding) bool {
	name := fi.obj.Name()
	return !fi.callee && fi.use.Kind == workers.KindCwd && (name == "Chdir" || name == "Fchdir")
}

// relativePaths returns, as related information for a change of the
// working directory at fi, the file operations with a constant relative
// path that follow it in the same function:
//
//	os.Chdir(dir)                    // reported
//	data, err := os.ReadFile("in")   // related: resolves against dir, for every worker
//
// In a worker process the two went together; in-process another worker
// may change the directory between them, and the parent's relative paths
// move too.
func (r *reporter) relativePaths(d *workers.Dispatch, rg region, fi finding) []analysis.RelatedInformation {
	// Find the function the change is in: the innermost function literal,
	// else the branch or the declaration.
	scope := []ast.Node{rg.root}
	if rg.branch {
		scope = scope[:0]
		for _, st := range d.Body {
			scope = append(scope, st)
		}
	}
	if lit := innermostFuncLit(rg.root, fi.id); lit != nil {
		scope = []ast.Node{lit.Body}
	}

	// Collect the operations after it.
	var out []analysis.RelatedInformation
	for _, n := range scope {
		ast.Inspect(n, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || call.Pos() < fi.node.End() {
				return true
			}
			for _, arg := range r.relativePathArgs(call) {
				path, _ := constString(r.pass.TypesInfo, arg)
				out = append(out, analysis.RelatedInformation{
					Pos: arg.Pos(),
					End: arg.End(),
					Message: fmt.Sprintf("relative path %q resolves against the working directory of the whole process, which the parent or another worker may change after %s",
						path, fi.use.Name),
				})
			}
			return true
		})
	}
	return out
}

// relativePathArgs returns the path arguments of call, an os function of
// pathArgs, that are constant relative paths.
func (r *reporter) relativePathArgs(call *ast.CallExpr) []ast.Expr {
	fn := typeutil.StaticCallee(r.pass.TypesInfo, call)
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "os" || fn.Signature().Recv() != nil {
		return nil
	}
	var out []ast.Expr
	for _, i := range pathArgs[fn.Name()] {
		if i >= len(call.Args) {
			continue
		}
		p, ok := constString(r.pass.TypesInfo, call.Args[i])
		if ok && p != "" && !filepath.IsAbs(p) && !strings.HasPrefix(p, "/") {
			out = append(out, call.Args[i])
		}
	}
	return out
}

// innermostFuncLit returns the innermost function literal under root that
// contains id, or nil.
func innermostFuncLit(root ast.Node, id *ast.Ident) *ast.FuncLit {
	var lit *ast.FuncLit
	ast.Inspect(root, func(n ast.Node) bool {
		if n == nil || id.Pos() < n.Pos() || n.End() <= id.Pos() {
			return false // id is not inside n
		}
		if l, ok := n.(*ast.FuncLit); ok {
			lit = l
		}
		return true
	})
	return lit
}
