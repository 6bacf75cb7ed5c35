package lsp

import (
	"context"
	"path/filepath"
	"slices"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// A document is an open file as the editor has it.
type document struct {
	uri     uri.URI // as the editor spells it, which is how it is published
	version int32
	text    []byte // replaced on change, never modified, so snapshots share it
}

// DidOpen records the file's text and analyses its package.
func (s *server) DidOpen(ctx context.Context, params *protocol.DidOpenTextDocumentParams) error {
	item := params.TextDocument
	path, ok := goFile(item.URI)
	if !ok {
		return nil // not a Go file on disk: no package to load
	}
	s.mu.Lock()
	s.docs[path] = &document{
		// The decoded URI shares memory with the whole message, text included.
		uri:     uri.URI(strings.Clone(string(item.URI))),
		version: item.Version,
		text:    []byte(item.Text),
	}
	s.mu.Unlock()
	s.schedule(filepath.Dir(path), 0)
	return nil
}

// DidChange applies the changes to the file's text and analyses its
// package once the editor has been quiet for the debounce time. The server
// asks for whole documents, but a ranged change is applied too.
func (s *server) DidChange(ctx context.Context, params *protocol.DidChangeTextDocumentParams) error {
	path, ok := goFile(params.TextDocument.URI)
	if !ok {
		return nil
	}
	s.mu.Lock()
	doc := s.docs[path]
	if doc == nil {
		s.mu.Unlock()
		s.logf("change to %s, which is not open, ignored", params.TextDocument.URI)
		return nil
	}
	text := doc.text
	for _, change := range params.ContentChanges {
		text = applyChange(text, change)
	}
	s.docs[path] = &document{uri: doc.uri, version: params.TextDocument.Version, text: text}
	s.mu.Unlock()
	s.schedule(filepath.Dir(path), s.opts.Debounce)
	return nil
}

// applyChange returns text with change applied, in a new slice.
func applyChange(text []byte, change protocol.TextDocumentContentChangeEvent) []byte {
	switch c := change.(type) {
	case *protocol.TextDocumentContentChangeWholeDocument:
		return []byte(c.Text)
	case *protocol.TextDocumentContentChangePartial:
		m := newMapper(text)
		start, end := m.offset(c.Range.Start), m.offset(c.Range.End)
		if end < start {
			start, end = end, start // a reversed range still names the same text
		}
		return slices.Concat(text[:start], []byte(c.Text), text[end:])
	}
	return text
}

// DidSave analyses the package again: files the editor does not hold open,
// or other editors, may have changed with it.
func (s *server) DidSave(ctx context.Context, params *protocol.DidSaveTextDocumentParams) error {
	if path, ok := goFile(params.TextDocument.URI); ok {
		s.schedule(filepath.Dir(path), 0)
	}
	return nil
}

// DidClose forgets the file's text and analyses its package from the disk,
// where the file may differ from the unsaved text the editor dropped.
func (s *server) DidClose(ctx context.Context, params *protocol.DidCloseTextDocumentParams) error {
	path, ok := goFile(params.TextDocument.URI)
	if !ok {
		return nil
	}
	s.mu.Lock()
	delete(s.docs, path)
	s.mu.Unlock()
	s.schedule(filepath.Dir(path), 0)
	return nil
}

// goFile returns the path of the Go file u names, if it names one on disk.
//
// TODO(procmigrate): watch go.mod and go.work, through
// workspace/didChangeWatchedFiles, and analyse the open packages again
// when they change.
func goFile(u uri.URI) (string, bool) {
	if !u.IsFile() {
		return "", false // an unsaved buffer, a diff view
	}
	path := u.FsPath()
	if !filepath.IsAbs(path) || filepath.Ext(path) != ".go" {
		return "", false
	}
	return filepath.Clean(path), true
}
