package main

import (
	"bytes"
	"cmp"
	"fmt"
	"go/doc/comment"
	"go/token"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"golang.org/x/tools/go/analysis"
)

const (
	// sarifToolName and sarifToolURI name procmigrate as the tool of the run.
	sarifToolName = "procmigrate"
	sarifToolURI  = "https://github.com/procmigrate/procmigrate"

	// sarifSrcRoot is the base of every path under the -C directory.
	// Paths are written relative to it, so a log made in a CI checkout
	// names the same files as the repository; the run maps it to the
	// directory on the machine that made the log.
	// TODO(procmigrate): code scanning reads the paths as relative to the
	// repository root, so a module below it gets misplaced alerts; let
	// the user name the root.
	sarifSrcRoot = "%SRCROOT%"

	// sarifColumnKind is the unit of every column in the log. Go counts
	// columns in bytes; SARIF's default, and what code scanning and
	// editors expect, is UTF-16 code units, so columns are converted.
	sarifColumnKind = "utf16CodeUnits"
)

// printSARIF prints findings as a SARIF 2.1.0 log of one run, with a rule
// for each of analyzers, which must include the analyzer of every finding.
func printSARIF(w io.Writer, analyzers []*analysis.Analyzer, dir string, findings []finding) error {
	log := sarifLog(analyzers, dir, findings)
	if err := log.PrettyWrite(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// sarifLog builds the log printSARIF prints. Rules come in the order of
// analyzers and results in the order of findings, so that the same
// findings always give the same bytes.
func sarifLog(analyzers []*analysis.Analyzer, dir string, findings []finding) *sarif.Report {
	run := sarif.NewRunWithInformationURI(sarifToolName, sarifToolURI)
	run.Tool.Driver.WithVersion(moduleVersion())
	run.WithColumnKind(sarifColumnKind)
	run.WithOriginalUriBaseIds(map[string]sarif.ArtifactLocation{
		sarifSrcRoot: *sarif.NewArtifactLocation().WithURI(dirURI(dir)),
	})

	// One rule per analyzer.
	ruleIndex := make(map[string]int)
	for _, a := range analyzers {
		ruleIndex[a.Name] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.AddRule(sarifRule(a))
	}

	// One result per finding.
	b := &sarifBuilder{dir: dir, sources: make(map[string]*sourceLines)}
	for _, f := range findings {
		i, ok := ruleIndex[f.analyzer]
		if !ok {
			panic(fmt.Sprintf("finding of analyzer %s, which has no rule", f.analyzer))
		}
		run.AddResult(b.result(f, i))
	}
	return sarif.NewReport().AddRun(run)
}

// sarifRule describes analyzer a. Its Doc is a title line, then the
// details; it is a Go doc comment, and becomes the rule's help as text
// and as Markdown.
func sarifRule(a *analysis.Analyzer) *sarif.ReportingDescriptor {
	title, details, _ := strings.Cut(a.Doc, "\n")
	details = strings.TrimSpace(details)
	if details == "" {
		details = title
	}
	var parser comment.Parser
	var printer comment.Printer
	markdown := string(printer.Markdown(parser.Parse(a.Doc)))
	rule := sarif.NewRule(a.Name).
		WithShortDescription(sarif.NewMultiformatMessageString().WithText(title)).
		WithFullDescription(sarif.NewMultiformatMessageString().WithText(details)).
		WithHelp(sarif.NewMultiformatMessageString().WithText(a.Doc).WithMarkdown(markdown))
	if a.URL != "" {
		rule.WithHelpURI(a.URL)
	}
	return rule
}

// sarifBuilder turns findings into results. It reads the files the
// findings are in, once each, to count their columns in UTF-16.
type sarifBuilder struct {
	dir     string
	sources map[string]*sourceLines // by file name
}

// result describes finding f of the rule at index rule.
func (b *sarifBuilder) result(f finding, rule int) *sarif.Result {
	d := f.diag
	res := sarif.NewRuleResult(f.analyzer).
		WithRuleIndex(rule).
		WithLevel(sarif.LevelWarning).
		WithMessage(sarif.NewTextMessage(d.Message)).
		AddLocation(b.location(f.fset, d.Pos, d.End))
	for _, rel := range d.Related {
		if !rel.Pos.IsValid() {
			continue // nowhere to point
		}
		loc := b.location(f.fset, rel.Pos, rel.End).WithMessage(sarif.NewTextMessage(rel.Message))
		res.AddRelatedLocation(loc)
	}
	for _, fix := range d.SuggestedFixes {
		if sf := b.fix(f.fset, fix); sf != nil {
			res.AddFixe(sf)
		}
	}
	if d.Category != "" {
		res.WithProperties(sarif.NewPropertyBag().Add("category", d.Category))
	}
	return res
}

// location is the range from pos to end, or the point pos when end is
// not given. Positions are the ones go vet prints: after //line
// directives, so a finding in generated code points at its source.
func (b *sarifBuilder) location(fset *token.FileSet, pos, end token.Pos) *sarif.Location {
	start := fset.Position(pos)
	stop := start
	if end.IsValid() {
		stop = fset.Position(end)
	}
	phys := sarif.NewPhysicalLocation().WithArtifactLocation(b.artifact(start.Filename))
	if r := b.region(start, stop); r != nil {
		phys.WithRegion(r)
	}
	return sarif.NewLocationWithPhysicalLocation(phys)
}

// fix describes a suggested fix as the replacements it makes in each
// file, files in name order and replacements in position order; nil for
// a fix with no edits, which SARIF cannot express. An edit changes the
// bytes of a file, so its positions ignore //line directives.
func (b *sarifBuilder) fix(fset *token.FileSet, fix analysis.SuggestedFix) *sarif.Fix {
	type edit struct {
		start, end token.Position
		text       []byte
	}
	var edits []edit
	for _, e := range fix.TextEdits {
		start := fset.PositionFor(e.Pos, false)
		end := start
		if e.End.IsValid() {
			end = fset.PositionFor(e.End, false)
		}
		edits = append(edits, edit{start, end, e.NewText})
	}
	if len(edits) == 0 {
		return nil
	}
	slices.SortStableFunc(edits, func(x, y edit) int {
		return cmp.Or(strings.Compare(x.start.Filename, y.start.Filename), cmp.Compare(x.start.Offset, y.start.Offset))
	})

	// One change per file, one replacement per edit.
	sf := sarif.NewFix()
	if fix.Message != "" {
		sf.WithDescription(sarif.NewTextMessage(fix.Message))
	}
	var change *sarif.ArtifactChange
	for i, e := range edits {
		if i == 0 || e.start.Filename != edits[i-1].start.Filename {
			change = sarif.NewArtifactChange().WithArtifactLocation(b.artifact(e.start.Filename))
			sf.AddArtifactChange(change)
		}
		rep := sarif.NewReplacement().WithDeletedRegion(b.region(e.start, e.end))
		if len(e.text) > 0 {
			rep.WithInsertedContent(sarif.NewArtifactContent().WithText(string(e.text)))
		}
		change.AddReplacement(rep)
	}
	return sf
}

// artifact locates file: relative to %SRCROOT% when it is under the -C
// directory, by an absolute file URI otherwise, since a base only
// applies to a relative reference.
func (b *sarifBuilder) artifact(file string) *sarif.ArtifactLocation {
	rel := relPath(b.dir, file)
	if filepath.IsAbs(rel) {
		return sarif.NewArtifactLocation().WithURI(fileURI(rel))
	}
	return sarif.NewArtifactLocation().WithURI(relURI(rel)).WithURIBaseID(sarifSrcRoot)
}

// region is the text from start to stop, with columns in UTF-16 code
// units counted from 1 (sarifColumnKind). A range that ends before it
// starts, or in another file, is taken as the point start. The columns
// are left out, so the region is whole lines, when start has no column,
// as after a //line directive without one; region is nil when start has
// no line.
func (b *sarifBuilder) region(start, stop token.Position) *sarif.Region {
	if start.Line < 1 {
		return nil
	}
	if stop.Filename != start.Filename || stop.Line < start.Line ||
		stop.Line == start.Line && stop.Column < start.Column {
		stop = start
	}
	r := sarif.NewRegion().WithStartLine(start.Line).WithEndLine(stop.Line)
	if start.Column < 1 || stop.Column < 1 {
		return r
	}
	src := b.source(start.Filename)
	return r.WithStartColumn(src.utf16Column(start.Line, start.Column)).
		WithEndColumn(src.utf16Column(stop.Line, stop.Column))
}

// source returns the lines of file, read on first use.
func (b *sarifBuilder) source(file string) *sourceLines {
	if s, ok := b.sources[file]; ok {
		return s
	}
	data, err := os.ReadFile(file)
	if err != nil {
		// A //line directive may name a file that is not there, such as
		// the grammar a parser was generated from; its columns stay in
		// bytes, which is right for ASCII.
		data = nil
	}
	s := newSourceLines(data)
	b.sources[file] = s
	return s
}

// sourceLines is the text of a file split into lines.
type sourceLines struct {
	data  []byte
	start []int // offset of each line, the first at index 0
}

func newSourceLines(data []byte) *sourceLines {
	s := &sourceLines{data: data, start: []int{0}}
	for i, c := range data {
		if c == '\n' {
			s.start = append(s.start, i+1)
		}
	}
	return s
}

// utf16Column converts col, a column in bytes counted from 1 as go/token
// counts it, on line (counted from 1), to the column in UTF-16 code units
// counted from 1: a character outside the Basic Multilingual Plane, such
// as an emoji, counts two, any other character one, and so does each
// byte that is not UTF-8. A position the text does not have, as in a file
// changed since it was analysed or not read, keeps its column in bytes.
func (s *sourceLines) utf16Column(line, col int) int {
	if line < 1 || line > len(s.start) || s.data == nil {
		return col
	}
	text := s.data[s.start[line-1]:]
	if i := bytes.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	if col < 1 || col-1 > len(text) {
		return col // past the end of the line
	}
	units := 0
	for _, r := range string(text[:col-1]) {
		units += utf16.RuneLen(r)
	}
	return units + 1
}

// relURI is the URI reference of a relative file path: slashes for
// separators, and escapes where a URI needs them, such as "%20" for a
// space.
func relURI(rel string) string {
	return (&url.URL{Path: filepath.ToSlash(rel)}).String()
}

// fileURI is the file URI of an absolute path: file:///home/x/main.go,
// or file:///C:/x/main.go on Windows.
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a drive letter
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// dirURI is the file URI of directory dir, with the final slash that
// lets relative references resolve inside it.
func dirURI(dir string) string {
	u := fileURI(dir)
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}
