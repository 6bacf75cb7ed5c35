package rewrite

import (
	"strings"

	"github.com/dave/dst"
)

// A comment belongs to the code beside it. When the rewrite takes a node out
// of the tree and puts another in its place, the comments the decorator
// attached to the old node would go with it; these helpers hand them to
// what stays.

// withDecorationsOf returns x, which replaces old in the tree, with the
// comments and spacing of old around its own, as &v /* sent */ becomes
// v /* sent */. old may wrap x in parentheses and unary operators, whose
// comments go to the same side of x.
func withDecorationsOf(x, old dst.Expr) dst.Expr {
	od := old.Decorations()
	start := append(dst.Decorations{}, od.Start...)
	ends := []dst.Decorations{od.End} // outermost first
	for n := old; n != x; {
		switch o := n.(type) {
		case *dst.ParenExpr:
			if o != old {
				start = append(start, o.Decs.Start...)
				ends = append(ends, o.Decs.End)
			}
			start = append(start, o.Decs.Lparen...)
			ends = append(ends, o.Decs.X)
			n = o.X
		case *dst.UnaryExpr:
			if o != old {
				start = append(start, o.Decs.Start...)
				ends = append(ends, o.Decs.End)
			}
			start = append(start, o.Decs.Op...)
			n = o.X
		default:
			n = x // not a wrapper of x: only old's own comments move
		}
	}
	xd := x.Decorations()
	xd.Start = append(start, xd.Start...)
	for i := len(ends) - 1; i >= 0; i-- {
		xd.End = append(xd.End, ends[i]...)
	}
	xd.Before, xd.After = od.Before, od.After
	return x
}

// keepCommentsAfter moves the block comments after removed, an argument
// taken out of its place in a call, to the argument that followed it,
// which they are about: (ctx, /* self */ exe) keeps /* self */ with exe.
// They go after that argument, not before it: the restorer gives a
// comment at the start of an argument the position where the previous
// argument ends, and go/printer then prints it before the comma between
// them, where it would follow whatever argument the rewrite put there:
//
//	exec.CommandContext(ctx, /* self */ exe, "w")
//	=> newInprocCmd(ctx, runWRole, exe /* self */, "w")
//	   not newInprocCmd(ctx, runWRole /* self */, exe, "w")
//
// Line comments stay where they are, since they end a line the removed
// argument no longer starts.
func keepCommentsAfter(removed dst.Expr, rest []dst.Expr) {
	end := removed.Decorations().End
	if len(end) == 0 || len(rest) == 0 {
		return
	}
	for _, c := range end {
		if !strings.HasPrefix(c, "/*") {
			return
		}
	}
	next := rest[0].Decorations()
	next.End = append(append(dst.Decorations{}, end...), next.End...)
	removed.Decorations().End = nil
}
