package sharedvar

import (
	"go/ast"
	"go/token"
	"slices"
)

// after returns what follows the current statement on every path: the rest
// of its list, and of the lists around it while they are plain blocks.
func (w *walker) after() []span {
	lists := w.lists
	if w.at != nil {
		if w.at.noJoin {
			return nil
		}
		lists = lists[:w.at.depth]
	}
	var out []span
	for i := len(lists) - 1; i >= 0; i-- {
		l := lists[i]
		if l.cur == nil {
			break
		}
		out = append(out, span{l.cur.End(), l.end})
		if !l.plain {
			break
		}
	}
	return out
}

// dom returns what a join at p dominates: what follows its statement, and
// the branches of the statement when p is in its header.
func (w *walker) dom(p token.Pos) []span {
	out := w.after()
	if len(w.lists) == 0 || w.at != nil {
		return out
	}
	cur := w.lists[len(w.lists)-1].cur
	if cur != nil && p < headerEnd(cur) {
		out = append(out, span{p, cur.End()})
	}
	return out
}

// headerEnd returns where the header of a statement ends: its first body.
func headerEnd(s ast.Stmt) token.Pos {
	switch s := s.(type) {
	case *ast.IfStmt:
		return s.Body.Lbrace
	case *ast.SwitchStmt:
		return s.Body.Lbrace
	case *ast.TypeSwitchStmt:
		return s.Body.Lbrace
	case *ast.ForStmt:
		return s.Body.Lbrace
	case *ast.RangeStmt:
		return s.Body.Lbrace
	case *ast.LabeledStmt:
		return headerEnd(s.Stmt)
	}
	return s.End()
}

// addJoin records a join on l of the given kind, dominating dom.
func (w *walker) addJoin(l loc, kind syncKind, order int, dom []span) {
	w.fr.joins = append(w.fr.joins, &join{loc: l, kind: kind, order: order, dom: dom})
}

// addSignal records a signal on l by the code at n, after its operands.
func (w *walker) addSignal(l loc, kind syncKind, n ast.Node) {
	if l.root == nil {
		return
	}
	w.fr.signals = append(w.fr.signals, &signal{loc: l, kind: kind, seq: w.seq(n.End())}) // after the operands
}

// chanSignal records a send on, or close of, channel ch.
//
// TODO(procmigrate): a buffered channel used as a semaphore (send to
// take, receive to give back) is not taken for a lock, so what it guards
// can be reported.
func (w *walker) chanSignal(ch ast.Expr, n ast.Node) {
	if l, ok := locOf(w.a.info, ch); ok {
		w.addSignal(l, send, n)
	}
}

// domJoins returns the joins of the frame that come before p on every
// path.
func (w *walker) domJoins(p token.Pos) []syncRef {
	var out []syncRef
	for _, j := range w.fr.joins {
		if j.dominates(p) {
			out = append(out, syncRef{j.loc, j.kind})
		}
	}
	return out
}

// exit records the joins before a return of the frame's function.
func (w *walker) exit(p token.Pos) {
	js := w.domJoins(p)
	if !w.fr.exitSeen {
		w.fr.exitJoins, w.fr.exitSeen = js, true
		return
	}
	w.fr.exitJoins = slices.DeleteFunc(w.fr.exitJoins, func(r syncRef) bool { return !slices.Contains(js, r) })
}
