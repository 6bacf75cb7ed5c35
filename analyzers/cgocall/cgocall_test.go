package cgocall_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/procmigrate/procmigrate/analyzers/cgocall"
)

// needCgo skips the test when cgo cannot build here: the go/packages
// loader runs cgo, which runs the C compiler.
func needCgo(t *testing.T) {
	t.Helper()
	out, err := exec.Command("go", "env", "CGO_ENABLED", "CC").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	var enabled, cc string
	if _, err := fmt.Sscan(string(out), &enabled, &cc); err != nil || enabled != "1" {
		t.Skipf("cgo is disabled (CGO_ENABLED=%q)", enabled)
	}
	if _, err := exec.LookPath(cc); err != nil {
		t.Skipf("no C compiler: %v", err)
	}
}

// Test checks the findings in every fixture package, and the fixed files
// against their .golden files. One run loads the packages that every
// fixture imports, runtime/cgo among them, once.
func Test(t *testing.T) {
	needCgo(t)
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), cgocall.Analyzer,
		// Workers and goroutines calling unsafe C.
		"worker", "library", "twolibs", "goroutines",
		// Fixes: reentrant variants, locks, names taken, a lock declared.
		"fixtm", "fixstrtok", "fixlock", "fixname", "fixreuse",
		// Safe calls only; a call under //nolint.
		"clean", "nolint")
}

// TestChangedSinceBuild edits a file after cgo has processed it, as an
// editor does between a build and an analysis: its calls no longer match
// the file as written, so they are reported from cgo's generated file,
// without fixes, and nothing breaks.
func TestChangedSinceBuild(t *testing.T) {
	needCgo(t)
	dir := t.TempDir()
	src := `package main

/*
#include <string.h>

static int counter;
static int next_id(void) { return ++counter; }
*/
import "C"

import "os"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "w" {
		_ = C.next_id()
		_ = C.GoString(C.strerror(1))
	}
}
`
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/changed\n\ngo 1.22\n")
	write("main.go", src)
	cfg := &packages.Config{Mode: packages.LoadSyntax, Dir: dir, Env: append(os.Environ(), "GOWORK=off", "GOFLAGS=")}
	pkgs, err := packages.Load(cfg, ".")
	if err != nil || packages.PrintErrors(pkgs) > 0 {
		t.Fatalf("load: %v", err)
	}
	write("main.go", "// A line added since the build.\n"+src)

	graph, err := checker.Analyze([]*analysis.Analyzer{cgocall.Analyzer}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, act := range graph.Roots {
		if act.Err != nil {
			t.Fatal(act.Err)
		}
		for _, d := range act.Diagnostics {
			p := act.Package.Fset.Position(d.Pos)
			got = append(got, fmt.Sprintf("%d: %s (%d fixes)", p.Line, d.Message, len(d.SuggestedFixes)))
		}
	}
	want := []string{
		`15: worker "w" calls C.next_id, whose preamble definition writes the static variable counter (0 fixes)`,
		`16: worker "w" calls C.strerror, which POSIX does not require to be thread-safe; use strerror_r (0 fixes)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
