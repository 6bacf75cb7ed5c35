package phases

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aymanbagabas/go-udiff"
	"github.com/dave/dst/decorator"
	"golang.org/x/tools/go/packages"
)

// The traces under testdata are go tool pprof -traces output of kitprof
// rewrite and kitprof check on a generated module, cut down to one stack
// of each phase.

func parseFile(t *testing.T, name string) []Sample {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	samples, err := ParseTraces(f)
	if err != nil {
		t.Fatal(err)
	}
	return samples
}

// format writes shares as "phase=ms" in their order.
func format(shares []Share) string {
	var parts []string
	for _, s := range shares {
		parts = append(parts, fmt.Sprintf("%s=%d", s.Phase, s.Time.Milliseconds()))
	}
	return strings.Join(parts, " ")
}

func TestParseTraces(t *testing.T) {
	samples := parseFile(t, "rewrite.traces")
	if len(samples) != 8 {
		t.Fatalf("%d samples, want 8", len(samples))
	}
	first := samples[0]
	if first.Value != 10*time.Millisecond || first.Frames[0] != "runtime.memmove" {
		t.Errorf("first sample = %v at %q, want 10ms at runtime.memmove", first.Value, first.Frames[0])
	}
	// An inlined frame is read without its "(inline)" mark.
	for _, s := range samples {
		for _, f := range s.Frames {
			if strings.Contains(f, " ") || strings.HasPrefix(f, "(") {
				t.Errorf("frame %q", f)
			}
		}
	}
	if _, err := ParseTraces(strings.NewReader("-----------+----\n      10xs   main.f\n")); err == nil {
		t.Error("a bad CPU time was read")
	}
}

func TestSplitRewrite(t *testing.T) {
	shares, total := Split(parseFile(t, "rewrite.traces"), Rewrite, false)
	const want = "diffing=10 restoring=10 decorating=10 type-checking the result=10 loading=10 analysing and editing=10 gc (background)=10 other=10"
	if got := format(shares); got != want || total != 80*time.Millisecond {
		t.Errorf("Split = %s, total %v\nwant    %s, total 80ms", got, total, want)
	}
}

func TestSplitCheck(t *testing.T) {
	samples := parseFile(t, "check.traces")
	shares, total := Split(samples, Check, true)
	const want = "loading=10 analysing: driver=10 analysing: execworker=20 analysing: pipeipc=10 analysing: procglobal=10 analysing: sharedvar=10 analysing: workers=10 gc (background)=10 other=10"
	if got := format(shares); got != want || total != 100*time.Millisecond {
		t.Errorf("Split = %s, total %v\nwant    %s, total 100ms", got, total, want)
	}
	shares, _ = Split(samples, Check, false)
	if got, want := format(shares), "loading=10 analysing=70 gc (background)=10 other=10"; got != want {
		t.Errorf("Split without analyzers = %s, want %s", got, want)
	}
}

func TestMarkdown(t *testing.T) {
	shares := []Share{{"loading", 750 * time.Millisecond}, {"decorating", 0}, {"other", 250 * time.Millisecond}}
	got := Markdown(shares, time.Second)
	want := "| phase | CPU s | share |\n|-------|------:|------:|\n| loading | 0.75 | 75.0% |\n| other | 0.25 | 25.0% |\n| total | 1.00 | |\n"
	if got != want {
		t.Errorf("Markdown =\n%s\nwant\n%s", got, want)
	}
}

// TestRulesMatchTheCode checks every rule against the functions it is
// meant to catch, as the linked binary names them, so that a rename in
// go/packages, dst or udiff, or in the rewriter, shows here and not as
// time moving silently to "other".
func TestRulesMatchTheCode(t *testing.T) {
	name := func(f any) string {
		return runtime.FuncForPC(reflectPC(f)).Name()
	}
	frames := map[string][]string{
		"diffing":    {name(udiff.Unified)},
		"restoring":  {name((*decorator.Restorer).RestoreFile), "github.com/procmigrate/procmigrate/rewrite.restore"},
		"decorating": {name(decorator.NewDecorator), name((*decorator.Decorator).DecorateFile)},
		"type-checking the result": {
			"github.com/procmigrate/procmigrate/rewrite.typeCheck",
			"github.com/procmigrate/procmigrate/rewrite.(*exportIndex).ensure",
		},
		"loading": {name(packages.Load), "github.com/procmigrate/procmigrate/rewrite.load"},
	}
	for _, r := range Rewrite {
		for _, f := range frames[r.Phase] {
			if !r.Frame.MatchString(f) {
				t.Errorf("rule %q does not match %s", r.Phase, f)
			}
		}
	}
	if !Check[0].Frame.MatchString(name(packages.Load)) {
		t.Errorf("rule %q does not match %s", Check[0].Phase, name(packages.Load))
	}

	// The rewriter's own functions are unexported; their declarations
	// must still be where the rules expect them.
	decls := rewriteDecls(t)
	for _, want := range []string{"restore", "load", "typeCheck", "exportIndex.ensure"} {
		if !slices.Contains(decls, want) {
			t.Errorf("package rewrite declares no %s, which the rules of Rewrite name", want)
		}
	}
}

// rewriteDecls returns the functions of package rewrite, methods as
// Type.Method, read from its source.
func rewriteDecls(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "rewrite", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no source of package rewrite: %v", err)
	}
	decl := regexp.MustCompile(`(?m)^func (?:\(\w+ \*?(\w+)\) )?(\w+)\(`)
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range decl.FindAllStringSubmatch(string(src), -1) {
			if m[1] != "" {
				out = append(out, m[1]+"."+m[2])
			} else {
				out = append(out, m[2])
			}
		}
	}
	return out
}

// reflectPC returns the entry of function value f.
func reflectPC(f any) uintptr { return reflect.ValueOf(f).Pointer() }
