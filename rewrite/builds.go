package rewrite

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/build"
	"go/build/constraint"
	"go/format"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// The rewrite type-checks the package for the build it was loaded in, but
// the files it writes are compiled in every build their constraints allow.
// The role's function is a copy of the dispatch branch, written beside the
// spawn:
//
//	main_unix.go (//go:build unix)          run.go (no constraint)
//	if os.Args[1] == "upper" {              cmd := exec.Command(os.Args[0], "upper")
//		serveUpper(os.Stdin, os.Stdout)  =>  cmd := newInprocCmd(..., runUpperRole, ...)
//	}                                       func runUpperRole(...) { serveUpper(...) }
//
// The branch compiles only where its file does; its copy compiles wherever
// the spawn's file does, which here includes Windows, where serveUpper is
// not declared. So the copy may go only where every build of the spawn's
// file also builds the dispatch's file.

// checkRoleBuilds returns why the role's function, copied from dispatch,
// cannot go beside spawnFunc, or "".
func (x *pkgIndex) checkRoleBuilds(spawnFunc, dispatch ast.Node) string {
	spawnFile, ok1 := fileAt(x, spawnFunc)
	dispatchFile, ok2 := fileAt(x, dispatch)
	if !ok1 || !ok2 || spawnFile == dispatchFile {
		return ""
	}
	from := x.fset.File(dispatchFile.FileStart).Name()
	to := x.fset.File(spawnFile.FileStart).Name()
	where, err := builtWithout(to, from)
	switch {
	case err != nil:
		return fmt.Sprintf("the builds of %s and %s cannot be compared: %v", filepath.Base(to), filepath.Base(from), err)
	case where != "":
		return fmt.Sprintf("the role's code is in %s, which is not built for %s, but %s, where its function would go, is",
			filepath.Base(from), where, filepath.Base(to))
	}
	return ""
}

// builtWithout returns a build that compiles file a but not file b, as
// "windows/amd64" or "linux/arm64 with tag foo", or "" when every build of a
// builds b. Builds are the go command's platforms, with cgo on and off, and
// every combination of the other tags a and b name.
func builtWithout(a, b string) (string, error) {
	srcA, err := os.ReadFile(a)
	if err != nil {
		return "", err
	}
	srcB, err := os.ReadFile(b)
	if err != nil {
		return "", err
	}
	if filepath.Dir(a) == filepath.Dir(b) && unconstrained(b, srcB) {
		return "", nil // b is in every build of its directory
	}
	platforms, err := goPlatforms()
	if err != nil {
		return "", err
	}
	tags := customTags(platforms, srcA, srcB)
	if len(tags) > 8 {
		return "", fmt.Errorf("they name %d build tags", len(tags))
	}
	content := map[string][]byte{a: srcA, b: srcB}
	// MatchFile leaves the cgo files, which need cgo, to Import.
	cgoA, cgoB := importsCSource(srcA), importsCSource(srcB)
	for _, p := range platforms {
		goos, goarch, _ := strings.Cut(p, "/")
		for _, cgo := range []bool{false, true} {
			for set := 0; set < 1<<len(tags); set++ {
				ctxt := build.Default
				ctxt.GOOS, ctxt.GOARCH, ctxt.CgoEnabled = goos, goarch, cgo
				ctxt.BuildTags = nil
				for i, tag := range tags {
					if set&(1<<i) != 0 {
						ctxt.BuildTags = append(ctxt.BuildTags, tag)
					}
				}
				ctxt.OpenFile = func(path string) (io.ReadCloser, error) {
					if src, ok := content[path]; ok {
						return io.NopCloser(bytes.NewReader(src)), nil
					}
					return os.Open(path)
				}
				inA, err := ctxt.MatchFile(filepath.Dir(a), filepath.Base(a))
				if err != nil {
					return "", err
				}
				inB, err := ctxt.MatchFile(filepath.Dir(b), filepath.Base(b))
				if err != nil {
					return "", err
				}
				inA = inA && (cgo || !cgoA)
				inB = inB && (cgo || !cgoB)
				if inA && !inB {
					where := p
					if len(ctxt.BuildTags) > 0 {
						where += " with tags " + strings.Join(ctxt.BuildTags, ",")
					}
					return where, nil
				}
			}
		}
	}
	return "", nil
}

// importsCSource reports whether the Go source src imports "C".
func importsCSource(src []byte) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly)
	if err != nil {
		return false
	}
	for _, imp := range f.Imports {
		if imp.Path.Value == `"C"` {
			return true
		}
	}
	return false
}

// unconstrained reports whether the file name with content src has neither
// a build constraint line nor a GOOS or GOARCH suffix: a file every build
// of its package compiles.
func unconstrained(name string, src []byte) bool {
	if len(buildLines(src)) > 0 || importsCSource(src) {
		return false
	}
	// A file that a platform no Go knows builds has no platform suffix.
	ctxt := build.Default
	ctxt.GOOS, ctxt.GOARCH = "nonesuch", "nonesuch"
	ctxt.OpenFile = func(string) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(src)), nil }
	ok, err := ctxt.MatchFile(filepath.Dir(name), filepath.Base(name))
	return err == nil && ok
}

// buildLines returns the build constraint lines of a Go file's header.
func buildLines(src []byte) []string {
	var lines []string
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "package ") || line == "package":
			return lines
		case constraint.IsGoBuild(line) || constraint.IsPlusBuild(line):
			lines = append(lines, line)
		}
	}
	return lines
}

// customTags returns the tags the constraint lines of the sources name that
// are neither a platform, cgo, a compiler nor a Go release, sorted.
func customTags(platforms []string, srcs ...[]byte) []string {
	known := map[string]bool{"cgo": true, "unix": true, "gc": true, "gccgo": true}
	for _, p := range platforms {
		goos, goarch, _ := strings.Cut(p, "/")
		known[goos], known[goarch] = true, true
	}
	for _, t := range build.Default.ToolTags {
		known[t] = true
	}
	seen := map[string]bool{}
	for _, src := range srcs {
		for _, line := range buildLines(src) {
			expr, err := constraint.Parse(line)
			if err != nil {
				continue // MatchFile reports it
			}
			eachTag(expr, func(tag string) {
				if !known[tag] && !strings.HasPrefix(tag, "go1.") {
					seen[tag] = true
				}
			})
		}
	}
	tags := make([]string, 0, len(seen))
	for t := range seen {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	return tags
}

// eachTag calls f with each tag of expr; Eval would skip those that do
// not decide the result.
func eachTag(expr constraint.Expr, f func(string)) {
	switch e := expr.(type) {
	case *constraint.TagExpr:
		f(e.Tag)
	case *constraint.NotExpr:
		eachTag(e.X, f)
	case *constraint.AndExpr:
		eachTag(e.X, f)
		eachTag(e.Y, f)
	case *constraint.OrExpr:
		eachTag(e.X, f)
		eachTag(e.Y, f)
	}
}

// goPlatforms returns the GOOS/GOARCH pairs the go command builds for.
func goPlatforms() ([]string, error) {
	cmd := exec.Command("go", "tool", "dist", "list")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go tool dist list: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	// The platforms most users know come first, to be named in a reason.
	rank := map[string]int{"linux/amd64": 1, "windows/amd64": 2, "darwin/arm64": 3}
	list := strings.Fields(string(out))
	sort.SliceStable(list, func(i, j int) bool {
		ri, rj := rank[list[i]], rank[list[j]]
		return ri != 0 && (rj == 0 || ri < rj)
	})
	return list, nil
}

// runtimeBuild returns the build constraint the runtime's copy in the
// package of x needs, or nil: it must be compiled wherever a file of the
// package is, and nowhere else. A package whose files are all for Linux,
// say, builds nothing on Windows, and a runtime there would make it a
// package of one file, a main package without main. Test files and files
// of another package name do not count.
//
// The constraint is each file's own, its //go:build line, its GOOS and
// GOARCH suffix and cgo if it imports "C", joined with ||; nil when some
// file has none.
func runtimeBuild(x *pkgIndex) (constraint.Expr, error) {
	var names []string
	names = append(names, x.pkg.GoFiles...)
	names = append(names, x.pkg.IgnoredFiles...)
	var platforms []string
	var out constraint.Expr
	seen := map[string]bool{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") || !strings.HasSuffix(name, ".go") || filepath.Base(name) == runtimeFile {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly|parser.ParseComments)
		if err != nil || f.Name.Name != x.pkg.Name {
			continue // not of this package in any build
		}
		if platforms == nil {
			if platforms, err = goPlatforms(); err != nil {
				return nil, err
			}
		}
		expr, err := fileBuild(name, src, f, platforms)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(name), err)
		}
		if expr == nil {
			return nil, nil // built everywhere its package is
		}
		for _, term := range orTerms(expr) {
			if seen[term.String()] {
				continue
			}
			seen[term.String()] = true
			if out == nil {
				out = term
			} else {
				out = &constraint.OrExpr{X: out, Y: term}
			}
		}
	}
	return out, nil
}

// orTerms returns the operands of expr's top-level ||s, or expr.
func orTerms(expr constraint.Expr) []constraint.Expr {
	if or, ok := expr.(*constraint.OrExpr); ok {
		return append(orTerms(or.X), orTerms(or.Y)...)
	}
	return []constraint.Expr{expr}
}

// fileBuild returns the constraint under which the go command builds the
// file name, parsed as f from src, or nil when it always does.
func fileBuild(name string, src []byte, f *ast.File, platforms []string) (constraint.Expr, error) {
	var exprs []constraint.Expr
	var plus []constraint.Expr
	for _, line := range buildLines(src) {
		expr, err := constraint.Parse(line)
		if err != nil {
			return nil, err
		}
		if constraint.IsGoBuild(line) {
			exprs = append(exprs, expr) // it supersedes any // +build lines
		} else {
			plus = append(plus, expr)
		}
	}
	if len(exprs) == 0 {
		exprs = plus
	}
	exprs = append(exprs, suffixBuild(filepath.Base(name), platforms)...)
	for _, imp := range f.Imports {
		if imp.Path.Value == `"C"` {
			exprs = append(exprs, &constraint.TagExpr{Tag: "cgo"})
			break
		}
	}
	var out constraint.Expr
	seen := map[string]bool{}
	for _, e := range exprs {
		if seen[e.String()] {
			continue // windows in the name and the line
		}
		seen[e.String()] = true
		if out == nil {
			out = e
		} else {
			out = &constraint.AndExpr{X: out, Y: e}
		}
	}
	return out, nil
}

// suffixBuild returns the tags that a file name's _GOOS, _GOARCH or
// _GOOS_GOARCH suffix requires, as the go command reads it: the part
// before the first underscore and a final _test do not count.
func suffixBuild(base string, platforms []string) []constraint.Expr {
	goos, goarch := map[string]bool{}, map[string]bool{}
	for _, p := range platforms {
		o, a, _ := strings.Cut(p, "/")
		goos[o], goarch[a] = true, true
	}
	name, _, _ := strings.Cut(base, ".")
	i := strings.Index(name, "_")
	if i < 0 {
		return nil
	}
	l := strings.Split(name[i:], "_")
	if n := len(l); n > 0 && l[n-1] == "test" {
		l = l[:n-1]
	}
	tag := func(t string) constraint.Expr { return &constraint.TagExpr{Tag: t} }
	switch n := len(l); {
	case n >= 2 && goos[l[n-2]] && goarch[l[n-1]]:
		return []constraint.Expr{tag(l[n-2]), tag(l[n-1])}
	case n >= 1 && (goos[l[n-1]] || goarch[l[n-1]]):
		return []constraint.Expr{tag(l[n-1])}
	}
	return nil
}

// runtimeWithBuild returns the runtime's source for the package of x, in
// gofmt's format, with the constraint runtimeBuild gives it.
func runtimeWithBuild(x *pkgIndex) ([]byte, error) {
	expr, err := runtimeBuild(x)
	if err != nil {
		return nil, fmt.Errorf("build constraint of %s: %w", runtimeFile, err)
	}
	src, err := aliasRuntime(runtimeFor(x.pkg.Name), runtimeAliases(x))
	if err != nil {
		return nil, fmt.Errorf("alias the imports of %s: %w", runtimeFile, err)
	}
	if expr != nil {
		src = append([]byte("//go:build "+expr.String()+"\n\n"), src...)
	}
	return format.Source(src)
}
