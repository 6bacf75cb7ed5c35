// Package analyzerdoc reads an analyzer's documentation out of the package
// comment of its doc.go, so the text is written once and serves both
// go doc and Analyzer.Doc.
package analyzerdoc

import (
	"fmt"
	"go/parser"
	"go/token"
	"strings"
)

// Section returns the section of the package comment in src headed
// "# Analyzer name", without the heading and without the "name: " that
// starts its first line, which is the form Analyzer.Doc takes:
//
//	# Analyzer name
//
//	name: summary as a lowercase verb phrase
//
//	Details, up to the next heading or the end of the comment.
func Section(src, name string) (string, error) {
	mode := parser.ParseComments | parser.PackageClauseOnly
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", src, mode)
	if err != nil {
		return "", fmt.Errorf("parse doc.go: %w", err)
	}
	if f.Doc == nil {
		return "", fmt.Errorf("doc.go has no package comment")
	}

	// Cut the section out of the comment text.
	heading := "# Analyzer " + name
	_, after, ok := strings.Cut("\n"+f.Doc.Text(), "\n"+heading+"\n")
	if !ok {
		return "", fmt.Errorf("package comment has no %q section", heading)
	}
	if i := strings.Index(after, "\n# "); i >= 0 {
		after = after[:i]
	}

	// Drop the name prefix the summary line carries.
	body, ok := strings.CutPrefix(strings.TrimSpace(after), name+": ")
	if !ok {
		return "", fmt.Errorf("section %q does not start with %q", heading, name+": ")
	}
	return body, nil
}

// MustSection is Section for package initialization: a doc.go without the
// section is a bug in the analyzer, so it panics.
func MustSection(src, name string) string {
	doc, err := Section(src, name)
	if err != nil {
		panic(fmt.Sprintf("analyzer %s: %v", name, err))
	}
	return doc
}
