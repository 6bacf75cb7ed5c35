// Package nolint drops the diagnostics that a //nolint directive or a
// generated-file header suppresses. It filters inside each analyzer, not in
// a driver, so migrate check, go vet -vettool, nogo, golangci-lint and an
// editor all agree on what is reported.
//
// A directive is a line comment with no space after the slashes:
//
//	//nolint                        every analyzer
//	//nolint:all                    every analyzer
//	//nolint:execworker,pipeipc     the analyzers named
//	//nolint:pipeipc // why         an explanation may follow a second //
//
// "// nolint" and "//nolint: pipeipc" are prose, as in golangci-lint v2,
// whose directives follow Go's rule that a directive has no spaces.
//
// A directive covers the line it is on. It covers a whole node when it is
// in the node's doc comment, or on a line of its own directly above the
// node at the same indentation, and a whole declaration (func, type, var or
// const, a group or a single spec) when it trails the declaration's first
// line. A directive above the package clause covers the file.
package nolint

import (
	"go/ast"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// Run wraps an analyzer's run function so that diagnostics suppressed for
// the analyzer, by its Name at run time, are not reported:
//
//	Run: nolint.Run(run),
func Run(run func(*analysis.Pass) (any, error)) func(*analysis.Pass) (any, error) {
	return func(pass *analysis.Pass) (any, error) {
		f := &filter{pass: pass, name: pass.Analyzer.Name}
		filtered := *pass
		filtered.Report = func(d analysis.Diagnostic) {
			if !f.suppressed(d.Pos) {
				pass.Report(d)
			}
		}
		return run(&filtered)
	}
}

// filter decides for one pass which positions are suppressed. It reads the
// comments of a file when the first diagnostic lands in it, so a package
// with nothing to report costs nothing.
type filter struct {
	pass  *analysis.Pass
	name  string
	files map[*token.File]*ast.File
	spans map[*token.File]*fileSpans
}

// fileSpans is what one file suppresses for the analyzer: everything when
// the file is generated, else the lines within spans.
type fileSpans struct {
	generated bool
	spans     []span
}

// span is a range of lines, both ends included, counted without //line
// directives so they compare with the lines of comments.
type span struct{ from, to int }

// suppressed reports whether a diagnostic at pos is not to be reported.
func (f *filter) suppressed(pos token.Pos) bool {
	tf := f.pass.Fset.File(pos)
	if tf == nil {
		return false // no position to match a directive against
	}
	fs := f.spansOf(tf)
	if fs == nil {
		return false // not one of the package's files
	}
	if fs.generated {
		return true
	}
	line := tf.PositionFor(pos, false).Line
	for _, s := range fs.spans {
		if s.from <= line && line <= s.to {
			return true
		}
	}
	return false
}

// spansOf returns what the file tf suppresses, reading it the first time,
// or nil when tf is not one of the pass's files.
func (f *filter) spansOf(tf *token.File) *fileSpans {
	if fs, ok := f.spans[tf]; ok {
		return fs
	}
	if f.files == nil {
		f.files = make(map[*token.File]*ast.File, len(f.pass.Files))
		f.spans = make(map[*token.File]*fileSpans)
		for _, file := range f.pass.Files {
			f.files[f.pass.Fset.File(file.FileStart)] = file
		}
	}
	var fs *fileSpans
	if file := f.files[tf]; file != nil {
		fs = &fileSpans{generated: isGenerated(tf, file)}
		if !fs.generated {
			fs.spans = fileSuppressions(tf, file, f.name)
		}
	}
	f.spans[tf] = fs
	return fs
}

// fileSuppressions returns the lines of file that directives for analyzer
// name cover.
func fileSuppressions(tf *token.File, file *ast.File, name string) []span {
	var (
		line = func(p token.Pos) int { return tf.PositionFor(p, false).Line }
		col  = func(p token.Pos) int { return tf.PositionFor(p, false).Column }

		spans   []span
		groups  = make(map[*ast.CommentGroup]bool)  // groups holding a directive
		onLine  = make(map[int]bool)                // lines holding a directive
		above   = make(map[int][]*ast.CommentGroup) // directive groups by the line after them
		covered = func(n ast.Node) { spans = append(spans, span{line(n.Pos()), line(n.End())}) }
	)

	// Find the directives for name; each covers its own line.
	for _, g := range file.Comments {
		for _, c := range g.List {
			if !applies(c.Text, name) {
				continue
			}
			spans = append(spans, span{line(c.Pos()), line(c.Pos())})
			onLine[line(c.Pos())] = true
			if !groups[g] {
				groups[g] = true
				next := line(g.End()) + 1
				above[next] = append(above[next], g)
			}
		}
	}
	if len(groups) == 0 {
		return nil
	}

	// Widen them to the nodes they stand above, as or in a doc comment, at
	// the node's indentation, and to the declarations whose first line
	// they trail.
	ast.Inspect(file, func(n ast.Node) bool {
		if n == nil {
			return false
		}
		if isDecl(n) && onLine[line(n.Pos())] {
			covered(n)
			return true
		}
		for _, g := range above[line(n.Pos())] {
			if col(g.Pos()) == col(n.Pos()) {
				covered(n)
				break
			}
		}
		return true
	})
	return spans
}

// isDecl reports whether a directive trailing the first line of n covers
// all of n: a declaration, or one spec of a var, const or type group.
func isDecl(n ast.Node) bool {
	switch n.(type) {
	case *ast.FuncDecl, *ast.GenDecl, *ast.ValueSpec, *ast.TypeSpec:
		return true
	}
	return false
}

// applies reports whether comment text is a directive that suppresses the
// analyzer name.
func applies(text, name string) bool {
	names, ok := parse(text)
	if !ok {
		return false
	}
	if names == nil {
		return true
	}
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// parse reads a directive out of comment text. It returns ok false when
// text is not a directive, and names nil when the directive covers every
// analyzer. Names are lowercased, as golangci-lint compares them.
func parse(text string) (names []string, ok bool) {
	rest, ok := strings.CutPrefix(text, "//nolint")
	if !ok {
		return nil, false
	}
	if rest == "" || rest[0] == ' ' || rest[0] == '\t' {
		if strings.HasPrefix(strings.TrimLeft(rest, " \t"), ":") {
			return nil, false // "//nolint :name" is invalid, not a bare //nolint
		}
		return nil, true // bare //nolint, perhaps with an explanation
	}
	list, ok := strings.CutPrefix(rest, ":")
	if !ok || list == "" || !isNameByte(list[0]) {
		return nil, false // //nolintfoo, or a space after the colon
	}
	list, _, _ = strings.Cut(list, "//")
	for n := range strings.SplitSeq(list, ",") {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "all" {
			return nil, true
		}
		if n != "" {
			names = append(names, n)
		}
	}
	return names, true
}

// isNameByte reports whether b may start an analyzer name.
func isNameByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
}

// isGenerated reports whether file is generated code. The file cgo
// generates from a file that imports "C" carries cgo's "Code generated"
// header, then a //line directive back to the file as written, whose code
// it holds: only a header of that file counts. (Drivers hand analyzers
// these files; see analyzers/cgocall/source.go.)
func isGenerated(tf *token.File, file *ast.File) bool {
	if !ast.IsGenerated(file) || tf.PositionFor(file.Package, true).Filename == tf.Name() {
		return ast.IsGenerated(file)
	}
	// Keep each comment of the file as written, one group each: the //line
	// directive shares a group with the first comment of that file.
	user := *file
	user.Comments = nil
	for _, g := range file.Comments {
		for _, c := range g.List {
			if tf.PositionFor(c.Pos(), true).Filename != tf.Name() {
				user.Comments = append(user.Comments, &ast.CommentGroup{List: []*ast.Comment{c}})
			}
		}
	}
	return ast.IsGenerated(&user)
}
