package lsp

import (
	"go/token"
	"net/url"
	"os"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
)

// A diagnostic is one finding as published, with its fixes.
type diagnostic struct {
	lsp      protocol.Diagnostic
	analyzer string
	message  string
	fixes    []*fix
}

// A fix is a suggested fix as a workspace edit.
type fix struct {
	title string
	edits map[uri.URI][]protocol.TextEdit

	// basis is the version of each file the edits were computed on, -1
	// for a file read from the disk. The edits apply to that text only.
	basis map[string]int32
}

// onDisk is the basis version of a file that is not open.
const onDisk = -1

// A converter turns go/analysis results, positioned in a token.FileSet,
// into protocol values, positioned in UTF-16 as the protocol requires.
// The content of each file is the text it was parsed from: the open
// file's text in the snapshot, or the disk.
type converter struct {
	snap    *snapshot
	mappers map[string]*mapper // by path; nil when the content is unknown
}

// diagnostic converts d, reported by act, and returns the path of its file.
// It reports false when the file's content is not the one analysed.
func (c *converter) diagnostic(act *checker.Action, d analysis.Diagnostic) (string, *diagnostic, bool) {
	fset := act.Package.Fset
	path, rng, ok := c.span(fset, d.Pos, d.End)
	if !ok {
		return "", nil, false
	}
	a := act.Analyzer
	diag := &diagnostic{
		analyzer: a.Name,
		message:  d.Message,
		lsp: protocol.Diagnostic{
			Range:    rng,
			Severity: protocol.DiagnosticSeverityWarning,
			Code:     protocol.String(a.Name),
			Source:   protocol.NewOptional(Source),
			Message:  protocol.String(d.Message),
		},
	}
	if href, ok := docURL(a, d); ok {
		diag.lsp.CodeDescription = protocol.CodeDescription{Href: href}
	}

	// Add the related positions and the fixes.
	for _, rel := range d.Related {
		relPath, relRange, ok := c.span(fset, rel.Pos, rel.End)
		if !ok {
			continue // in a file that changed since
		}
		diag.lsp.RelatedInformation = append(diag.lsp.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: c.snap.uri(relPath), Range: relRange},
			Message:  rel.Message,
		})
	}
	for _, sf := range d.SuggestedFixes {
		if f, ok := c.fix(fset, sf); ok {
			diag.fixes = append(diag.fixes, f)
		}
	}
	return path, diag, true
}

// fix converts sf. It reports false when sf has no edits, which the
// checker leaves for a driver to compute, or when one edit is in a file
// whose content is unknown, since applying the others alone would break
// the code.
func (c *converter) fix(fset *token.FileSet, sf analysis.SuggestedFix) (*fix, bool) {
	if len(sf.TextEdits) == 0 {
		return nil, false
	}
	f := &fix{title: sf.Message, edits: make(map[uri.URI][]protocol.TextEdit), basis: make(map[string]int32)}
	for _, e := range sf.TextEdits {
		path, rng, ok := c.span(fset, e.Pos, e.End)
		if !ok {
			return nil, false
		}
		u := c.snap.uri(path)
		f.edits[u] = append(f.edits[u], protocol.TextEdit{Range: rng, NewText: string(e.NewText)})
		f.basis[path] = onDisk
		if v, ok := c.snap.versions[path]; ok {
			f.basis[path] = v
		}
	}
	return f, true
}

// span returns the file and range of [pos, end); an invalid end means an
// empty range at pos.
func (c *converter) span(fset *token.FileSet, pos, end token.Pos) (string, protocol.Range, bool) {
	tf := fset.File(pos)
	if tf == nil {
		return "", protocol.Range{}, false
	}
	start, ok := offsetIn(tf, pos)
	if !ok {
		return "", protocol.Range{}, false
	}
	stop := start
	if o, ok := offsetIn(tf, end); ok && o >= start {
		stop = o
	}
	m := c.mapper(tf)
	if m == nil {
		return "", protocol.Range{}, false
	}
	return tf.Name(), m.rangeOf(start, stop), true
}

// offsetIn returns the offset of pos in tf, if pos lies in tf.
func offsetIn(tf *token.File, pos token.Pos) (int, bool) {
	if !pos.IsValid() || int(pos) < tf.Base() || int(pos) > tf.Base()+tf.Size() {
		return 0, false
	}
	return tf.Offset(pos), true
}

// mapper returns the mapper of tf's file, or nil when its content is not
// the text tf was parsed from: the file changed on disk since the load.
func (c *converter) mapper(tf *token.File) *mapper {
	name := tf.Name()
	if m, ok := c.mappers[name]; ok {
		return m
	}
	content, ok := c.snap.texts[name]
	if !ok {
		b, err := os.ReadFile(name)
		content, ok = b, err == nil
	}
	var m *mapper
	if ok && len(content) == tf.Size() {
		m = newMapper(content)
	}
	c.mappers[name] = m
	return m
}

// docURL returns the page that documents a finding: the analyzer's URL,
// or the diagnostic's own. The checker sets a diagnostic without a URL of
// its own to the analyzer's URL with the category as fragment, as
// go/analysis suggests, but the categories of the procmigrate analyzers
// are not headings of their documentation, so that one is not used.
func docURL(a *analysis.Analyzer, d analysis.Diagnostic) (uri.URI, bool) {
	base, err := url.Parse(a.URL)
	if err != nil {
		return "", false
	}
	href := base
	if d.URL != "" && d.URL != categoryURL(base, d.Category) {
		ref, err := url.Parse(d.URL)
		if err != nil {
			return "", false
		}
		href = base.ResolveReference(ref)
	}
	if !href.IsAbs() {
		return "", false // a relative href means nothing to an editor
	}
	return uri.URI(href.String()), true
}

// categoryURL returns the URL the checker gives a diagnostic of category
// that has no URL of its own.
func categoryURL(base *url.URL, category string) string {
	if category == "" {
		return ""
	}
	return base.ResolveReference(&url.URL{Fragment: category}).String()
}
