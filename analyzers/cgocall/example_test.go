package cgocall_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// This file checks the analyzer through the binary users run: migrate
// check, which loads packages with go/packages, and go vet with migrate as
// its -vettool, which hands migrate the go command's own build of each
// package. The two see cgo's generated files differently named; both must
// report the same findings at the same positions of the files as written.

// exampleDir is the example program whose workers call unsafe C.
var exampleDir = filepath.Join("..", "..", "testdata", "cgoworker")

// binDir holds the binaries the tests build, removed by TestMain.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cgocall-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildMigrate builds cmd/migrate once for the tests of this package.
var buildMigrate = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(binDir, "migrate")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/procmigrate/procmigrate/cmd/migrate").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build cmd/migrate: %v\n%s", err, out)
	}
	return bin, nil
})

// migrateBinary returns the path of the migrate binary.
func migrateBinary(t *testing.T) string {
	t.Helper()
	bin, err := buildMigrate()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// needSubprocesses skips a test that builds and runs binaries when cgo is
// not available, and under the race detector: the binaries are not built
// with it, so a second run would test nothing new.
func needSubprocesses(t *testing.T) {
	t.Helper()
	if raceEnabled {
		t.Skip("runs binaries built without -race; nothing to add under the race detector")
	}
	needCgo(t)
}

// goEnv is the environment of the go commands the tests run on the
// example, which is a module of its own and needs no network.
func goEnv() []string {
	return append(os.Environ(), "GOWORK=off", "GOPROXY=off", "GOTOOLCHAIN=local", "GORACE=atexit_sleep_ms=0")
}

// run runs name with args in dir and returns its stdout, its stderr and
// its exit code.
func run(t *testing.T, dir, name string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = goEnv()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run %s: %v", name, err)
	}
	return out.String(), errb.String(), code
}

// exampleFindings are the findings of cgocall on the example: the file,
// the text whose first occurrence in it is reported, and the message.
var exampleFindings = []struct{ file, at, message string }{
	{"cformat.go", "C.strtok(cs", `worker "worker" calls C.strtok, which POSIX does not require to be thread-safe; use strtok_r`},
	{"cformat.go", "C.gmtime(", `worker "worker" calls C.gmtime, which POSIX does not require to be thread-safe; use gmtime_r`},
	{"cformat.go", "C.render_field(ck", `worker "worker" calls C.render_field, whose preamble definition passes the static variable field to snprintf`},
}

// wantLines returns the findings as file:line:col: message, with the
// position of the first occurrence of each one's text in its file.
func wantLines(t *testing.T) []string {
	t.Helper()
	var lines []string
	for _, f := range exampleFindings {
		src, err := os.ReadFile(filepath.Join(exampleDir, f.file))
		if err != nil {
			t.Fatal(err)
		}
		i := bytes.Index(src, []byte(f.at))
		if i < 0 {
			t.Fatalf("%s has no %q", f.file, f.at)
		}
		line := bytes.Count(src[:i], []byte("\n")) + 1
		col := i - bytes.LastIndexByte(src[:i], '\n')
		lines = append(lines, fmt.Sprintf("%s:%d:%d: %s", f.file, line, col, f.message))
	}
	return lines
}

// TestExampleRuns builds the example and runs it with many workers: its
// output is that of one worker. Then it applies the fixes with go fix and
// migrate as its tool, and checks that the fixed program builds, prints
// the same, and is left with the one finding that has no fix. Under the
// race detector the programs are built with it too, so that the fixed
// program's Go side runs its many workers under it.
func TestExampleRuns(t *testing.T) {
	needCgo(t)
	t.Parallel()
	build := []string{"build"}
	if raceEnabled {
		build = append(build, "-race")
	}
	tmp := t.TempDir()
	prog := filepath.Join(tmp, "cgoworker")
	if _, stderr, code := run(t, exampleDir, "go", append(build, "-o", prog, ".")...); code != 0 {
		t.Fatalf("go build: exit %d\n%s", code, stderr)
	}
	many, stderr, code := run(t, exampleDir, prog, "-workers", "16", "-records", "300")
	if code != 0 {
		t.Fatalf("cgoworker -workers 16: exit %d\n%s", code, stderr)
	}
	if got := strings.Count(stderr, "] normalized "); got != 16 {
		t.Errorf("%d workers reported their statistics, want 16:\n%s", got, stderr)
	}
	one, stderr, code := run(t, exampleDir, prog, "-workers", "1", "-records", "300")
	if code != 0 {
		t.Fatalf("cgoworker -workers 1: exit %d\n%s", code, stderr)
	}
	if many != one {
		t.Errorf("output with 16 workers differs from output with 1")
	}
	lines := strings.Split(strings.TrimSuffix(one, "\n"), "\n")
	if len(lines) != 300 {
		t.Fatalf("%d output lines, want 300", len(lines))
	}
	const first = `0 2023-11-14 level="debug" user="alice" bytes="0" path="/v1/items/0"`
	if lines[0] != first {
		t.Errorf("first line = %q, want %q", lines[0], first)
	}

	// Fix a copy.
	fixed := filepath.Join(tmp, "fixed")
	if err := os.CopyFS(fixed, os.DirFS(exampleDir)); err != nil {
		t.Fatal(err)
	}
	migrate := migrateBinary(t)
	if _, stderr, code := run(t, fixed, "go", "fix", "-fixtool="+migrate, "./..."); code != 0 {
		t.Fatalf("go fix: exit %d\n%s", code, stderr)
	}
	src, err := os.ReadFile(filepath.Join(fixed, "cformat.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"C.strtok_r(cs, blanks, &saveptr)", "C.gmtime_r(&t, &tmBuf)", "cgoMu.Lock()"} {
		if !bytes.Contains(src, []byte(want)) {
			t.Errorf("fixed cformat.go has no %s", want)
		}
	}
	fixedProg := filepath.Join(tmp, "cgoworker-fixed")
	if _, stderr, code := run(t, fixed, "go", append(build, "-o", fixedProg, ".")...); code != 0 {
		t.Fatalf("go build of the fixed example: exit %d\n%s", code, stderr)
	}
	if out, stderr, code := run(t, fixed, fixedProg, "-workers", "16", "-records", "300"); code != 0 || out != one {
		t.Errorf("fixed cgoworker: exit %d, same output %v\n%s", code, out == one, stderr)
	}
	_, stderr, _ = run(t, fixed, "go", "vet", "-vettool="+migrate, "-cgocall", "./...")
	if got := strings.Count(stderr, " calls C."); got != 0 {
		t.Errorf("go vet after the fixes reported %d calls, want none:\n%s", got, stderr)
	}
}

// TestExampleCheck runs migrate check on the example.
func TestExampleCheck(t *testing.T) {
	needSubprocesses(t)
	t.Parallel()
	stdout, stderr, code := run(t, ".", migrateBinary(t), "check", "-C", exampleDir)
	if code != 3 {
		t.Fatalf("migrate check: exit %d, want 3 (findings)\n%s", code, stderr)
	}
	var got []string
	for _, line := range strings.Split(stdout, "\n") {
		if s, ok := strings.CutSuffix(line, " (cgocall)"); ok {
			got = append(got, s)
		}
	}
	if want := wantLines(t); !slices.Equal(got, want) {
		t.Errorf("migrate check reported\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestExampleVet runs go vet with migrate as its tool on the example.
func TestExampleVet(t *testing.T) {
	needSubprocesses(t)
	t.Parallel()
	_, stderr, code := run(t, exampleDir, "go", "vet", "-vettool="+migrateBinary(t), "./...")
	if code == 0 {
		t.Fatalf("go vet succeeded, want findings")
	}
	for _, want := range wantLines(t) {
		if !strings.Contains(stderr, want+"\n") {
			t.Errorf("go vet did not report\n\t%s\nin\n%s", want, stderr)
		}
	}
}

// TestFixedCompiles builds every fixture package with its fixes applied,
// as its .golden files hold them, and checks with go vet that the fixed
// calls are no longer reported and the others still are.
func TestFixedCompiles(t *testing.T) {
	needSubprocesses(t)
	t.Parallel()
	migrate := migrateBinary(t)
	remaining := map[string]int{
		"worker":     3, // getenv, setlocale and tmpnam(nil): no lock makes them safe
		"library":    1, // rand in a send statement
		"goroutines": 1, // ctime assigned to _
		"fixtm":      1, // kept: the pointer outlives the statement
		"fixstrtok":  2, // nested and first
		"fixlock":    2, // both and kept
		"fixname":    0,
		"fixreuse":   0,
		"nolint":     0,
	}
	gopath := t.TempDir()
	var pkgs []string
	for pkg := range remaining {
		fixedCopy(t, filepath.Join("testdata", "src", pkg), filepath.Join(gopath, "src", pkg))
		pkgs = append(pkgs, pkg)
	}
	slices.Sort(pkgs)
	src := filepath.Join(gopath, "src")
	env := append(goEnv(), "GO111MODULE=off", "GOPATH="+gopath)

	build := exec.Command("go", append([]string{"build", "-o", os.DevNull}, pkgs...)...)
	build.Dir, build.Env = src, env
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build of the fixed packages: %v\n%s", err, out)
	}

	vet := exec.Command("go", append([]string{"vet", "-vettool=" + migrate, "-cgocall"}, pkgs...)...)
	vet.Dir, vet.Env = src, env
	out, _ := vet.CombinedOutput() // findings make it fail
	finding := regexp.MustCompile(`(?m)^(\S+?)/\S+\.go:\d+:\d+: .* calls C\.`)
	got := make(map[string]int)
	for _, m := range finding.FindAllSubmatch(out, -1) {
		got[string(m[1])]++
	}
	for _, pkg := range pkgs {
		if got[pkg] != remaining[pkg] {
			t.Errorf("%s: %d findings after the fixes, want %d", pkg, got[pkg], remaining[pkg])
		}
	}
	if t.Failed() {
		t.Logf("go vet:\n%s", out)
	}
}

// fixedCopy copies the package in src to dst, each .go file replaced by
// its .golden file if it has one.
func fixedCopy(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".golden") {
			continue
		}
		from := filepath.Join(src, name)
		if _, err := os.Stat(from + ".golden"); err == nil {
			from += ".golden"
		}
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
