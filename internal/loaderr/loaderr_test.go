package loaderr

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/packages"
)

func TestOneLine(t *testing.T) {
	for _, tc := range []struct{ msg, want string }{
		{"no required module provides package example.com/x; to add it:\n\tgo get example.com/x\n",
			"no required module provides package example.com/x; to add it: go get example.com/x"},
		{"go: updates to go.mod needed; to update it:\n\tgo mod tidy", "go: updates to go.mod needed; to update it: go mod tidy"},
		{"first\n\n  second\nthird\n", "first; second; third"},
		{"one line", "one line"},
	} {
		if got := OneLine(tc.msg); got != tc.want {
			t.Errorf("OneLine(%q) = %q, want %q", tc.msg, got, tc.want)
		}
	}
}

func TestSplitPosn(t *testing.T) {
	for _, tc := range []struct {
		line, posn, text string
		ok               bool
	}{
		{"./main.go:4:14: cannot use x", "./main.go:4:14", "cannot use x", true},
		{"sub/a.go:12: bad: worse", "sub/a.go:12", "bad: worse", true},
		{`C:\m\a.go:3:1: bad`, `C:\m\a.go:3:1`, "bad", true},
		{"cgo: C compiler \"cc\" not found: exec: x", "", "", false},
		{"compilation terminated.", "", "", false},
	} {
		posn, text, ok := splitPosn(tc.line)
		if posn != tc.posn || text != tc.text || ok != tc.ok {
			t.Errorf("splitPosn(%q) = %q, %q, %v; want %q, %q, %v", tc.line, posn, text, ok, tc.posn, tc.text, tc.ok)
		}
	}
}

// TestFirst checks the choice among the errors go/packages reports for
// one problem, on packages as it returns them.
func TestFirst(t *testing.T) {
	dir := filepath.FromSlash("/m/x")
	mod := &packages.Module{Path: "example.com/x"}
	user := func(errs ...packages.Error) *packages.Package {
		return &packages.Package{PkgPath: "example.com/x", Module: mod, GoFiles: []string{"main.go"}, Errors: errs}
	}

	// A syntax error, as go/parser and as the compiler word it.
	syntax := user(
		packages.Error{Kind: packages.ListError, Msg: "# example.com/x\n./main.go:5:1: syntax error: unexpected }, expected expression"},
		packages.Error{Kind: packages.ParseError, Pos: "/m/x/main.go:5:1", Msg: "expected operand, found '}'"},
	)
	check(t, "syntax", First(dir, []*packages.Package{syntax}), "/m/x/main.go:5:1", "expected operand, found '}'")

	// Only the compiler's output: its first error with a position.
	compiled := user(packages.Error{Kind: packages.ListError, Msg: "# example.com/x\nnote: x\n./main.go:4:14: cannot use x\n./main.go:5:1: more\n"})
	check(t, "compiler", First(dir, []*packages.Package{compiled}), filepath.FromSlash("/m/x/main.go:4:14"), "cannot use x")

	// A broken dependency of the standard library and of the user: the
	// user's comes first.
	std := &packages.Package{PkgPath: "runtime/cgo", GoFiles: []string{"cgo.go"}, Errors: []packages.Error{
		{Kind: packages.TypeError, Pos: "/go/src/runtime/cgo/cgo.go:34:8", Msg: "could not import C (no metadata for C)"},
	}}
	dep := &packages.Package{PkgPath: "example.com/x/dep", Module: mod, Imports: map[string]*packages.Package{"runtime/cgo": std},
		Errors: []packages.Error{{Kind: packages.TypeError, Pos: "/m/x/dep/dep.go:3:13", Msg: "bad"}}}
	main := user()
	main.Imports = map[string]*packages.Package{"example.com/x/dep": dep}
	main.Errors = []packages.Error{{Kind: packages.TypeError, Pos: "/m/x/main.go:3:8", Msg: "could not import example.com/x/dep"}}
	check(t, "dependency", First(dir, []*packages.Package{main}), "/m/x/dep/dep.go:3:13", "bad")

	// A missing package: go list's error, on one line.
	missing := &packages.Package{PkgPath: "example.com/dep", Errors: []packages.Error{
		{Kind: packages.ListError, Pos: "main.go:3:8", Msg: "no required module provides package example.com/dep; to add it:\n\tgo get example.com/dep"},
	}}
	check(t, "missing", First(dir, []*packages.Package{missing}), filepath.FromSlash("/m/x/main.go:3:8"),
		"no required module provides package example.com/dep; to add it: go get example.com/dep")

	if err := First(dir, []*packages.Package{user()}); err != nil {
		t.Errorf("First of a package without errors = %v, want nil", err)
	}
}

// TestFirstCgo checks that a package whose import "C" failed is reported
// at the import, with the cause cgo stopped with, wherever it was.
func TestFirstCgo(t *testing.T) {
	dir := filepath.FromSlash("/m/x")
	fset := token.NewFileSet()
	file := parse(t, fset, "/m/x/main.go", "package main\n\n// int add(int, int);\nimport \"C\"\n\nfunc main() {}\n")
	cgoFailed := func(errs ...packages.Error) *packages.Package {
		return &packages.Package{
			PkgPath: "example.com/x", Module: &packages.Module{Path: "example.com/x"},
			GoFiles: []string{"/m/x/main.go"}, Fset: fset, Syntax: []*ast.File{file},
			Errors: append(errs, packages.Error{Kind: packages.TypeError, Pos: "/m/x/main.go:4:8", Msg: "could not import C (no metadata for C)"}),
		}
	}

	// No C compiler: runtime/cgo fails first.
	runtimeCgo := &packages.Package{PkgPath: "runtime/cgo", GoFiles: []string{"/go/src/runtime/cgo/cgo.go"}, Errors: []packages.Error{
		{Kind: packages.ListError, Msg: "# runtime/cgo\ncgo: C compiler \"cc\" not found: exec: \"cc\": executable file not found in $PATH"},
		{Kind: packages.TypeError, Pos: "/go/src/runtime/cgo/cgo.go:34:8", Msg: "could not import C (no metadata for C)"},
	}}
	p := cgoFailed()
	p.Imports = map[string]*packages.Package{"runtime/cgo": runtimeCgo}
	check(t, "no compiler", First(dir, []*packages.Package{p}), "/m/x/main.go:4:8",
		`cannot run cgo for example.com/x: C compiler "cc" not found: exec: "cc": executable file not found in $PATH`)

	// The package's own C code does not compile.
	p = cgoFailed(packages.Error{Kind: packages.ListError, Msg: "# example.com/x\n./main.go:3:11: fatal error: missing.h: No such file or directory\n    3 | // #include \"missing.h\"\ncompilation terminated."})
	check(t, "C error", First(dir, []*packages.Package{p}), filepath.FromSlash("/m/x/main.go:3:11"), "fatal error: missing.h: No such file or directory")

	// No cause found: go/types' error, at the user's import.
	check(t, "no cause", First(dir, []*packages.Package{cgoFailed()}), "/m/x/main.go:4:8", "could not import C (no metadata for C)")
}

func parse(t *testing.T, fset *token.FileSet, name, src string) *ast.File {
	t.Helper()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func check(t *testing.T, what string, err error, posn, msg string) {
	t.Helper()
	e, ok := As(err)
	if !ok {
		t.Errorf("%s: First = %v, want an *Error", what, err)
		return
	}
	if e.Posn != posn || e.Msg != msg {
		t.Errorf("%s: First = %q, %q; want %q, %q", what, e.Posn, e.Msg, posn, msg)
	}
}
