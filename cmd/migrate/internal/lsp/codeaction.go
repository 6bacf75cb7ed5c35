package lsp

import (
	"context"

	"go.lsp.dev/protocol"
)

// CodeAction offers each suggested fix of the published findings that
// overlap the range as a quickfix linked to its finding. A fix computed on
// text the editor has changed since is not offered: its ranges may no
// longer point where they should, and the analysis of the new text brings
// fresh ones.
func (s *server) CodeAction(ctx context.Context, params *protocol.CodeActionParams) ([]protocol.CommandOrCodeAction, error) {
	actions := []protocol.CommandOrCodeAction{}
	path, ok := goFile(params.TextDocument.URI)
	if !ok || !wantsQuickFix(params.Context.Only) {
		return actions, nil
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	report := s.published[path]
	if report == nil {
		return actions, nil
	}
	for _, d := range report.diags {
		if !overlaps(d.lsp.Range, params.Range) {
			continue
		}
		for _, f := range d.fixes {
			if !s.current(f.basis) {
				continue // stale
			}
			actions = append(actions, &protocol.CodeAction{
				Title:       f.title,
				Kind:        new(protocol.CodeActionKindQuickFix),
				Diagnostics: []protocol.Diagnostic{d.lsp},
				Edit:        &protocol.WorkspaceEdit{Changes: f.edits},
			})
		}
	}
	return actions, nil
}

// wantsQuickFix reports whether a request limited to the kinds in only,
// if any, asks for quick fixes.
func wantsQuickFix(only []protocol.CodeActionKind) bool {
	if len(only) == 0 {
		return true
	}
	for _, k := range only {
		if k == protocol.CodeActionKindQuickFix || k == protocol.CodeActionKindEmpty {
			return true
		}
	}
	return false
}

// overlaps reports whether a and b share a position; an empty range, a
// cursor, overlaps a range it touches.
func overlaps(a, b protocol.Range) bool {
	return !before(a.End, b.Start) && !before(b.End, a.Start)
}

// before reports whether p comes before q.
func before(p, q protocol.Position) bool {
	return p.Line < q.Line || p.Line == q.Line && p.Character < q.Character
}

// current reports whether every file of basis has the text it had then.
// s.mu must be held.
func (s *server) current(basis map[string]int32) bool {
	for path, version := range basis {
		now := int32(onDisk)
		if doc := s.docs[path]; doc != nil {
			now = doc.version
		}
		if now != version {
			return false
		}
	}
	return true
}
