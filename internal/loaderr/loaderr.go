// Package loaderr words why packages loaded with go/packages cannot be
// analysed or rewritten, in one line that names the user's file and
// position, or the cause. migrate check, plan, rewrite and lsp report
// through it, so that one problem reads the same in every command.
//
// go/packages reports one problem several times, in the words of several
// tools: a file that does not parse is a parse error of go/parser and,
// when the packages were compiled for their export data, the compiler's
// own "# pkg" output too; cgo that cannot run fails runtime/cgo, in the
// standard library, before the user's package that imports "C". The
// functions here choose the report the user can act on.
package loaderr

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// An Error is why a package cannot be loaded whole.
type Error struct {
	// Posn is "file:line:col" or "file:line", with file absolute when the
	// go command reported it relative to the load's directory; empty when
	// the cause has no place in a file.
	Posn string
	// Msg is what is wrong, on one line.
	Msg string
}

func (e *Error) Error() string {
	if e.Posn == "" {
		return e.Msg
	}
	return e.Posn + ": " + e.Msg
}

// First returns the error to report for pkgs, loaded in dir, or nil when
// neither they nor their dependencies have one. Dependencies come before
// the packages that import them, so that the cause comes before its
// consequences, but a package of the user's comes before one of the
// standard library, whose errors are those of the toolchain or the
// environment. Of one package's errors it takes, in this order:
//
//   - for a package whose import "C" failed, the C compiler's first error,
//     or else the error cgo stopped with, at the import;
//   - an error of go list, go/parser or go/types, with a position if one
//     has it;
//   - the first error the compiler printed, which repeats the above in
//     other words when there are any.
func First(dir string, pkgs []*packages.Package) error {
	var broken []*packages.Package
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if len(p.Errors) > 0 {
			broken = append(broken, p)
		}
	})
	if len(broken) == 0 {
		return nil
	}
	p := broken[0]
	for _, b := range broken {
		if !isStd(b) {
			p = b
			break
		}
	}
	if err := cgoError(dir, p, broken); err != nil {
		return err
	}
	if err := excludedError(dir, p); err != nil {
		return err
	}
	return packageError(dir, p)
}

// packageError returns the error of p to report, as First describes.
func packageError(dir string, p *packages.Package) *Error {
	var own []packages.Error // not the compiler's output
	for _, e := range p.Errors {
		if !isCompilerOutput(e) {
			own = append(own, e)
		}
	}
	for _, e := range own {
		if e.Pos != "" && e.Pos != "-" {
			return &Error{Posn: absPosn(dir, e.Pos), Msg: OneLine(e.Msg)}
		}
	}
	if len(own) > 0 {
		return &Error{Msg: OneLine(own[0].Msg)}
	}
	if err := compilerError(dir, p.Errors[0].Msg); err != nil {
		return err
	}
	return &Error{Msg: OneLine(p.Errors[0].Msg)}
}

// isStd reports whether p is a package of the standard library: outside
// any module, its path without a domain. A package go list could not find
// is outside any module too, but its path names one.
func isStd(p *packages.Package) bool {
	first, _, _ := strings.Cut(p.PkgPath, "/")
	return p.Module == nil && !strings.Contains(first, ".")
}

// isCompilerOutput reports whether e is what the go command printed for a
// package it failed to build, headed by the package's path:
//
//	# example.com/x
//	./main.go:4:14: syntax error: unexpected }, expected expression
func isCompilerOutput(e packages.Error) bool {
	return e.Kind == packages.ListError && strings.HasPrefix(e.Msg, "# ")
}

// compilerError returns the first error of the compiler's output msg that
// has a position, or nil.
func compilerError(dir, msg string) *Error {
	_, body, _ := strings.Cut(msg, "\n")
	for line := range strings.Lines(body) {
		if posn, text, ok := splitPosn(strings.TrimSpace(line)); ok {
			return &Error{Posn: absPosn(dir, posn), Msg: text}
		}
	}
	return nil
}

// compilerCause returns the output of the compiler in msg after its
// header, on one line, without the "cgo: " of an error cgo stopped with.
func compilerCause(msg string) string {
	_, body, _ := strings.Cut(msg, "\n")
	return strings.TrimPrefix(OneLine(body), "cgo: ")
}

// cgoError returns the error of p when its import "C" failed, or nil.
// cgo runs for the package while go list finds its files; when it cannot
// run at all, for want of a C compiler, it fails on runtime/cgo first and
// the user's package has only go/types' "could not import C" left:
//
//	# runtime/cgo
//	cgo: C compiler "/nonexistent" not found: exec: "/nonexistent": ...
//
// and when the package's C code does not compile, the C compiler's error
// is the package's own, at its line of the preamble.
func cgoError(dir string, p *packages.Package, broken []*packages.Package) *Error {
	imp := failedImportC(p)
	if imp == "" {
		return nil
	}
	for _, e := range p.Errors {
		if !isCompilerOutput(e) {
			continue
		}
		if err := compilerError(dir, e.Msg); err != nil {
			return err
		}
		return &Error{Posn: imp, Msg: fmt.Sprintf("cannot run cgo for %s: %s", p.PkgPath, compilerCause(e.Msg))}
	}
	// Otherwise the cause is where cgo failed first: in runtime/cgo, which
	// every package that imports "C" imports, or in another package whose
	// import "C" failed.
	for _, b := range broken {
		if b == p || b.PkgPath != "runtime/cgo" && failedImportC(b) == "" {
			continue
		}
		for _, e := range b.Errors {
			if isCompilerOutput(e) {
				return &Error{Posn: imp, Msg: fmt.Sprintf("cannot run cgo for %s: %s", p.PkgPath, compilerCause(e.Msg))}
			}
		}
	}
	return nil
}

// failedImportC returns the position of an import "C" of p that go/types
// could not resolve, as its error names it, or "".
func failedImportC(p *packages.Package) string {
	at := make(map[string]bool)
	for _, e := range p.Errors {
		if e.Kind == packages.TypeError {
			at[e.Pos] = true
		}
	}
	for _, f := range p.Syntax {
		for _, spec := range f.Imports {
			if spec.Path.Value != `"C"` {
				continue
			}
			if posn := p.Fset.Position(spec.Path.Pos()).String(); at[posn] {
				return posn
			}
		}
	}
	return ""
}

// excludedError returns the error of p when build constraints leave it no
// Go file because cgo is disabled, with that reason, or nil.
func excludedError(dir string, p *packages.Package) *Error {
	if len(p.GoFiles) > 0 || len(p.IgnoredFiles) == 0 || p.Dir == "" {
		return nil
	}
	why := CgoExcluded(dir, []string{p.Dir})
	if why == "" {
		return nil
	}
	return &Error{Msg: fmt.Sprintf("no Go file of %s is built: %s", p.PkgPath, why)}
}

// NoPackages returns the error for patterns that matched no package in
// dir, saying why when cgo being disabled is the reason.
func NoPackages(dir string, patterns []string) error {
	msg := fmt.Sprintf("pattern %s matched no packages", strings.Join(patterns, " "))
	if why := CgoExcluded(dir, patterns); why != "" {
		msg += ": " + why
	}
	return &Error{Msg: msg}
}

// CgoExcluded returns why patterns match no package in dir, or fewer, when
// that is because cgo is disabled: the files that import "C" have a build
// constraint of cgo, so that with CGO_ENABLED=0, or with no C compiler
// found, a package all of whose files do is no package at all. It returns
// "" when cgo is enabled or is not the reason.
//
// It asks the go command, which knows the build constraints and what
// patterns match, to list the packages again with cgo enabled; go list
// -find runs no cgo, so this needs no C compiler.
func CgoExcluded(dir string, patterns []string) string {
	ctx := context.Background()
	env := exec.CommandContext(ctx, "go", "env", "CGO_ENABLED")
	env.Dir = dir
	out, err := env.Output()
	if err != nil || strings.TrimSpace(string(out)) != "0" {
		return ""
	}
	list := exec.CommandContext(ctx, "go", append([]string{"list", "-e", "-find",
		"-f", `{{range .CgoFiles}}{{$.Dir}}{{"\t"}}{{.}}{{"\n"}}{{end}}`, "--"}, patterns...)...)
	list.Dir = dir
	list.Env = append(os.Environ(), "CGO_ENABLED=1")
	out, err = list.Output()
	if err != nil {
		return ""
	}
	var files []string
	for line := range strings.Lines(string(out)) {
		pkgDir, name, ok := strings.Cut(strings.TrimSpace(line), "\t")
		if !ok {
			continue
		}
		if rel, err := filepath.Rel(dir, filepath.Join(pkgDir, name)); err == nil && !strings.HasPrefix(rel, "..") {
			name = rel
		} else {
			name = filepath.Join(pkgDir, name)
		}
		files = append(files, name)
	}
	if len(files) == 0 {
		return ""
	}
	const most = 3
	named := strings.Join(files[:min(len(files), most)], ", ")
	if len(files) > most {
		named += fmt.Sprintf(" and %d more", len(files)-most)
	}
	return fmt.Sprintf(`cgo is disabled (CGO_ENABLED=0), so build constraints exclude the files that import "C": %s`, named)
}

// OneLine joins the lines of a message of the go command into one: a line
// that ends in a colon runs on into the next, which it introduces, and
// others are separated by semicolons.
//
//	no required module provides package example.com/x; to add it:
//		go get example.com/x
//
// becomes "no required module provides package example.com/x; to add it:
// go get example.com/x".
func OneLine(msg string) string {
	var b strings.Builder
	for line := range strings.Lines(msg) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if b.Len() > 0 {
			if strings.HasSuffix(b.String(), ":") {
				b.WriteString(" ")
			} else {
				b.WriteString("; ")
			}
		}
		b.WriteString(line)
	}
	return b.String()
}

// splitPosn splits "file:line:col: text" or "file:line: text" into the
// position and the text.
func splitPosn(line string) (posn, text string, ok bool) {
	// The file may hold colons itself (a Windows drive), so the numbers
	// are looked for from the left of each ": ".
	for i := 0; ; {
		j := strings.Index(line[i:], ": ")
		if j < 0 {
			return "", "", false
		}
		posn, text = line[:i+j], line[i+j+2:]
		if isPosn(posn) {
			return posn, text, true
		}
		i += j + 2
	}
}

// isPosn reports whether s is "file:line" or "file:line:col".
func isPosn(s string) bool {
	file, n, ok := cutLastNumber(s)
	if !ok {
		return false
	}
	if f, _, ok := cutLastNumber(file); ok {
		file = f
	}
	return file != "" && n > 0
}

// cutLastNumber splits "x:N" into x and N.
func cutLastNumber(s string) (string, int, bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(s[i+1:])
	return s[:i], n, err == nil
}

// absPosn returns posn with a relative file made absolute under dir,
// where the go command, run there, found it.
func absPosn(dir, posn string) string {
	if filepath.IsAbs(posn) || dir == "" {
		return posn
	}
	return filepath.Join(dir, posn)
}

// As returns err as an *Error, if it is one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
