package pipeipc

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// Categories of the pipe bugs, one each. They are reported whether or
// not the worker can be migrated: each is a bug of the program as it is.
const (
	categoryEarlyWait  = "earlywait"  // Wait before the reads from an output pipe are done
	categoryUndrained  = "undrained"  // an output pipe nobody reads
	categoryZombie     = "zombie"     // Kill without Wait
	categoryStdinFirst = "stdinfirst" // the whole request written before stdout is read
	categoryLineLimit  = "linelimit"  // a Scanner's line limit the worker's output can exceed
)

// isOutput reports whether the child writes the stream and the parent
// reads it.
func (e *end) isOutput() bool {
	return e.stream != "stdin" && e.how != "returned by Output" && e.how != "returned by CombinedOutput"
}

// earlyWait reports a Wait or Run on the command of s that can close an
// output pipe while it is still read. StdoutPipe and StderrPipe say Wait
// closes the pipe, so a read after it, or in a goroutine Wait does not
// wait for, loses what the worker wrote last or fails with "file already
// closed":
//
//	go pump(stdout)
//	err := cmd.Wait() // reported: pump may still be reading
//	wg.Wait()
//
// A goroutine joined before the Wait, by a WaitGroup, an errgroup or a
// channel receive, is fine. Only a Wait in the function that opens the
// pipe, and not in a function literal, is considered.
func (c *checker) earlyWait(s *workers.Spawn, e *end, worker string) {
	if e.pipe == nil || !e.isOutput() {
		return
	}
	fd := c.enclosingFunc(e.pipe.Call)
	if fd == nil {
		return
	}
	for _, x := range c.cmdFlow(s).exprs {
		call, fn := c.methodCall(x)
		if call == nil || !inside(call, fd) || c.inFuncLit(call, fd) ||
			!isMethodOf(fn, "os/exec", "Cmd", "Wait") && !isMethodOf(fn, "os/exec", "Cmd", "Run") {
			continue
		}
		if line := c.readAfter(e, fd, call); line > 0 {
			c.report(call, categoryEarlyWait, "%s is called before the %s pipe of %s is read on line %d: Wait closes the pipe, so the read fails or loses what the worker wrote last",
				types.ExprString(call.Fun), e.stream, worker, line)
			continue
		}
		if g := c.unjoinedReader(e, fd, call); g != nil {
			c.report(call, categoryEarlyWait, "%s is called while the goroutine started on line %d may still read the %s pipe of %s: Wait closes the pipe, so what the worker wrote last can be lost; wait for the reader first",
				types.ExprString(call.Fun), c.line(g.Pos()), e.stream, worker)
		}
	}
}

// readAfter returns the line of the first use of the pipe in fd after
// wait, outside function literals, or 0.
func (c *checker) readAfter(e *end, fd *ast.FuncDecl, wait *ast.CallExpr) int {
	for _, x := range e.fl.exprs {
		if x.Pos() > wait.End() && inside(x, fd) && !c.inFuncLit(x, fd) && !c.isClose(x) {
			return c.line(x.Pos())
		}
	}
	return 0
}

// unjoinedReader returns a go statement of fd before wait that reads the
// pipe, when nothing between the two joins it.
func (c *checker) unjoinedReader(e *end, fd *ast.FuncDecl, wait *ast.CallExpr) *ast.GoStmt {
	var found *ast.GoStmt
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		g, ok := n.(*ast.GoStmt)
		if !ok || found != nil || g.End() > wait.Pos() {
			return found == nil
		}
		for _, x := range e.fl.exprs {
			if inside(x, g) && !c.joins(fd, g.End(), wait.Pos()) {
				found = g
				break
			}
		}
		return true
	})
	return found
}

// joins reports whether fd waits for a goroutine between from and to: a
// WaitGroup's or errgroup's Wait, a channel receive, a select or a range
// over a channel.
func (c *checker) joins(fd *ast.FuncDecl, from, to token.Pos) bool {
	found := false
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if n == nil || found || n.End() < from || n.Pos() >= to {
			return false // outside the range
		}
		if n.Pos() < from {
			return true // encloses the range: look inside
		}
		switch n := n.(type) {
		case *ast.CallExpr:
			fn := c.callee(n)
			found = isMethodOf(fn, "sync", "WaitGroup", "Wait") || isMethodOf(fn, "golang.org/x/sync/errgroup", "Group", "Wait")
		case *ast.UnaryExpr:
			found = n.Op == token.ARROW
		case *ast.SelectStmt:
			found = true
		case *ast.RangeStmt:
			_, found = c.info.TypeOf(n.X).Underlying().(*types.Chan)
		}
		return !found
	})
	return found
}

// isClose reports whether x is the receiver of a Close call.
func (c *checker) isClose(x ast.Expr) bool {
	call, fn := c.methodCall(x)
	return call != nil && fn != nil && fn.Name() == "Close"
}

// undrained reports an output pipe whose parent never reads it: the worker
// blocks once it has filled the pipe's buffer.
//
//	stderr, _ := cmd.StderrPipe() // reported: only closed, never read
//	_ = stderr                    // nor is it read here
func (c *checker) undrained(e *end, worker string) {
	if e.pipe == nil || !e.isOutput() {
		return
	}
	for _, x := range e.fl.exprs {
		if x == e.pipe.Call || c.isClose(x) || c.isAssigned(x) || c.isDiscarded(x) {
			continue
		}
		return // read, or handed to code that may read it
	}
	c.report(e.pipe.Call, categoryUndrained, "%s pipe of %s is never read: once the worker has filled the pipe's buffer (64 KiB on Linux) its next write blocks; read it to the end or set cmd.%s instead",
		e.stream, worker, map[string]string{"stdout": "Stdout", "stderr": "Stderr"}[e.stream])
}

// isAssigned reports whether x is the left side of an assignment.
func (c *checker) isAssigned(x ast.Expr) bool {
	as, ok := c.parent(x).(*ast.AssignStmt)
	if !ok {
		return false
	}
	for _, l := range as.Lhs {
		if ast.Unparen(l) == x {
			return true
		}
	}
	return false
}

// isDiscarded reports whether x is assigned to the blank identifier,
// which only keeps the compiler from calling its variable unused.
func (c *checker) isDiscarded(x ast.Expr) bool {
	var lhs, rhs []ast.Expr
	switch p := c.parent(x).(type) {
	case *ast.AssignStmt:
		lhs, rhs = p.Lhs, p.Rhs
	case *ast.ValueSpec:
		for _, n := range p.Names {
			lhs = append(lhs, n)
		}
		rhs = p.Values
	}
	if len(lhs) != len(rhs) {
		return false
	}
	for i, r := range rhs {
		if ast.Unparen(r) == x {
			id, ok := lhs[i].(*ast.Ident)
			return ok && id.Name == "_"
		}
	}
	return false
}

// zombie reports a kill of the process of s that no Wait follows: the
// dead child stays in the process table and its pipes stay open.
//
//	cmd.Process.Kill() // reported when nothing waits for cmd
//
// The command counts as waited for when anything holding it calls Wait,
// Run, Output or CombinedOutput, or Process.Wait, or when it escapes to
// code the analyzer does not see.
func (c *checker) zombie(s *workers.Spawn, worker string) {
	fl := c.cmdFlow(s)
	var kills []*ast.CallExpr
	waited := false
	for _, x := range fl.exprs {
		if call, fn := c.methodCall(x); call != nil {
			for _, m := range []string{"Wait", "Run", "Output", "CombinedOutput"} {
				waited = waited || isMethodOf(fn, "os/exec", "Cmd", m)
			}
		}
		if c.escapes(x) {
			waited = true
		}
		proc := x
		if sel, ok := c.parent(x).(*ast.SelectorExpr); ok && sel.Sel.Name == "Process" {
			proc = sel
		} else if s.Form != workers.FormStartProcess {
			continue
		}
		call, fn := c.methodCall(proc)
		switch {
		case call == nil:
		case isMethodOf(fn, "os", "Process", "Wait"):
			waited = true
		case isMethodOf(fn, "os", "Process", "Kill"), isMethodOf(fn, "os", "Process", "Signal") && c.isKillSignal(call.Args):
			kills = append(kills, call)
		}
	}
	if waited {
		return
	}
	for _, k := range kills {
		c.report(k, categoryZombie, "%s is never followed by a Wait on %s: the killed process stays a zombie and its pipes stay open; call Wait after the kill",
			types.ExprString(k.Fun), worker)
	}
}

// isKillSignal reports whether args are os.Kill or SIGKILL.
func (c *checker) isKillSignal(args []ast.Expr) bool {
	if len(args) != 1 {
		return false
	}
	obj := c.objectOfFunc(args[0])
	if obj == nil || obj.Pkg() == nil {
		return false
	}
	switch obj.Pkg().Path() {
	case "os":
		return obj.Name() == "Kill"
	case "syscall", "golang.org/x/sys/unix":
		return obj.Name() == "SIGKILL"
	}
	return false
}

// escapes reports whether x is handed where the flow does not follow:
// returned, sent, stored in a slice or map, or passed to a function of
// another package.
func (c *checker) escapes(x ast.Expr) bool {
	switch p := c.parent(x).(type) {
	case *ast.ReturnStmt, *ast.SendStmt:
		return true
	case *ast.CompositeLit:
		_, isStruct := typeOf(c.info, p).Underlying().(*types.Struct)
		return !isStruct
	case *ast.AssignStmt:
		for i, l := range p.Lhs {
			if _, ok := ast.Unparen(l).(*ast.IndexExpr); ok && i < len(p.Rhs) && ast.Unparen(p.Rhs[i]) == x {
				return true
			}
		}
	case *ast.CallExpr:
		if argIndex(p, c.outer(x)) < 0 {
			return false
		}
		fn := c.callee(p)
		return fn == nil || c.decls[fn] == nil
	}
	return false
}

// stdinFirst reports a request written whole to the stdin pipe, in a loop
// or with io.Copy, and closed, before anything reads the stdout pipe:
//
//	for _, j := range jobs { fmt.Fprintln(in, j) } // reported
//	in.Close()
//	io.ReadAll(out)
//
// A worker that writes while it reads fills its stdout pipe and blocks;
// the parent then blocks writing stdin, and neither ends.
func (c *checker) stdinFirst(ends []*end, worker string) {
	var in, out *end
	for _, e := range ends {
		switch {
		case e.pipe != nil && e.stream == "stdin":
			in = e
		case e.pipe != nil && e.stream == "stdout":
			out = e
		}
	}
	if in == nil || out == nil {
		return
	}
	fd := c.enclosingFunc(in.pipe.Call)
	if fd == nil || c.enclosingFunc(out.pipe.Call) != fd {
		return
	}
	var closeAt token.Pos
	for _, x := range in.fl.exprs {
		if inside(x, fd) && !c.inFuncLit(x, fd) && c.isClose(x) && (closeAt == token.NoPos || x.Pos() < closeAt) {
			closeAt = x.Pos()
		}
	}
	if closeAt == token.NoPos {
		return
	}
	read := false
	for _, y := range out.fl.exprs {
		if y != out.pipe.Call && inside(y, fd) {
			read = read || y.Pos() < closeAt
		}
	}
	if read || !c.readsIn(out.fl, fd) {
		return
	}
	for _, x := range in.fl.exprs {
		if inside(x, fd) && !c.inFuncLit(x, fd) && x.Pos() < closeAt && x != in.pipe.Call && c.bulkWrite(x, fd, closeAt) {
			c.report(x, categoryStdinFirst, "the whole request is written to the stdin pipe of %s before anything reads its stdout pipe: a worker that answers while it reads blocks once its stdout pipe is full, and so does this write; read stdout in a goroutine",
				worker)
			return
		}
	}
}

// readsIn reports whether fl has a use in fd other than its seed.
func (c *checker) readsIn(fl *flow, fd *ast.FuncDecl) bool {
	for _, y := range fl.exprs[1:] {
		if inside(y, fd) {
			return true
		}
	}
	return false
}

// bulkWrite reports whether the use x of the stdin pipe writes an
// unbounded amount before pos: inside a loop that ends before pos, or as
// io.Copy's destination.
func (c *checker) bulkWrite(x ast.Expr, fd *ast.FuncDecl, pos token.Pos) bool {
	if call, ok := c.parent(x).(*ast.CallExpr); ok && argIndex(call, c.outer(x)) == 0 && isFunc(c.callee(call), "io", "Copy") {
		return true
	}
	if c.isClose(x) || c.isAssigned(x) {
		return false
	}
	for p := c.parents[x]; p != nil && p != ast.Node(fd); p = c.parents[p] {
		switch p.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return p.End() < pos
		}
	}
	return false
}

// lineLimit reports a bufio.Scanner with the default limit on a stream
// the worker writes, whose lines are unmarshaled into values of
// unbounded size: a line over 64 KiB stops it with bufio.ErrTooLong.
//
//	sc := bufio.NewScanner(stdout) // reported
//	for sc.Scan() { json.Unmarshal(sc.Bytes(), &r) }  // r holds a string
func (c *checker) lineLimit(e *end, worker string) {
	if !e.isOutput() {
		return
	}
	for _, sc := range e.proto.scanners {
		if sc.buffered || sc.split != "" {
			continue
		}
		var long []types.Type
		for _, t := range sc.unmarsh {
			if unbounded(t, nil) {
				long = append(long, t)
			}
		}
		if len(long) == 0 {
			continue
		}
		c.report(sc.ctor, categoryLineLimit, "bufio.Scanner on the %s stops with bufio.ErrTooLong at a line over 64 KiB, and the %s the worker writes have no size limit; set a larger limit with Buffer or decode with json.Decoder",
			subjectShort(e, worker), c.typesNoun(long))
	}
}

// subjectShort names an end inside a sentence: `stdout pipe of worker "a"`.
func subjectShort(e *end, worker string) string {
	if e.how == "" {
		return fmt.Sprintf("%s pipe of %s", e.stream, worker)
	}
	return fmt.Sprintf("%s of %s (%s)", e.stream, worker, e.how)
}

// unbounded reports whether values of t can be of any size: t holds a
// string, slice, map or interface.
func unbounded(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return false
	}
	if seen == nil {
		seen = make(map[types.Type]bool)
	}
	seen[t] = true
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&types.IsString != 0
	case *types.Slice, *types.Map, *types.Interface:
		return true
	case *types.Pointer:
		return unbounded(u.Elem(), seen)
	case *types.Array:
		return unbounded(u.Elem(), seen)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if unbounded(u.Field(i).Type(), seen) {
				return true
			}
		}
	}
	return false
}
