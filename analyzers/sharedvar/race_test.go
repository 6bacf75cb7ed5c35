package sharedvar_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// A shape is one program of testdata/race: a main package that either
// races, and carries the analyzer's `// want` expectations, or must not
// be reported and must run clean under the race detector.
type shape struct {
	name   string
	racy   bool // some file expects a diagnostic
	test   bool // the race is in its tests: built with go test -c
	golden bool // some file has a .golden fix
}

// shapes reads the programs of testdata/race.
func shapes(t *testing.T) []shape {
	t.Helper()
	root := filepath.Join("testdata", "race")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var out []shape
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		s := shape{name: e.Name()}
		files, err := filepath.Glob(filepath.Join(root, e.Name(), "*.go*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, ".golden") {
				s.golden = true
				continue
			}
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(data, []byte("// want `")) {
				s.racy = true
				s.test = s.test || strings.HasSuffix(f, "_test.go")
			}
		}
		out = append(out, s)
	}
	return out
}

// TestRace builds every program of testdata/race with the race detector
// and runs it: each one the analyzer reports must race, each one it does
// not must run clean, and so must each program with its suggested fixes
// applied. It shows that what the analyzer reports are races, and what
// it leaves alone is not.
func TestRace(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs programs under the race detector")
	}
	if raceEnabled {
		// The programs are built with -race either way; the run of the
		// tests without it runs them, and once is enough.
		t.Skip("run by go test without -race")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	all := shapes(t)
	bin := t.TempDir()
	src, _ := filepath.Abs(filepath.Join("testdata", "race"))

	// Build the programs, and a copy with the suggested fixes applied.
	goCmd(t, gobin, src, "build", "-race", "-o", bin+string(filepath.Separator), "./...")
	fixed := t.TempDir()
	copyFixed(t, src, fixed)
	var fixedPkgs []string
	for _, s := range all {
		if s.test {
			goCmd(t, gobin, src, "test", "-race", "-c", "-o", filepath.Join(bin, s.name+".test"), "./"+s.name)
		}
		if s.golden {
			fixedPkgs = append(fixedPkgs, "./"+s.name)
		}
	}
	fixedBin := t.TempDir()
	if len(fixedPkgs) > 0 {
		goCmd(t, gobin, fixed, append([]string{"build", "-race", "-o", fixedBin + string(filepath.Separator)}, fixedPkgs...)...)
	}

	for _, s := range all {
		exe := filepath.Join(bin, s.name)
		if s.test {
			exe += ".test"
		}
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			if s.racy {
				mustRace(t, exe)
			} else {
				mustRunClean(t, exe)
			}
		})
		if s.golden {
			t.Run(s.name+"/fixed", func(t *testing.T) {
				t.Parallel()
				mustRunClean(t, filepath.Join(fixedBin, s.name))
			})
		}
	}
}

// raceRuns is how often a program is run: a race that the detector
// misses in one run, because the goroutines happened not to overlap, is
// looked for again; a clean program must be clean every time.
const raceRuns = 5

const raceWarning = "WARNING: DATA RACE"

func mustRace(t *testing.T, exe string) {
	for range raceRuns {
		out, _ := runRace(t, exe)
		if bytes.Contains(out, []byte(raceWarning)) {
			return
		}
	}
	t.Errorf("%s: no data race in %d runs, though the analyzer reports one", filepath.Base(exe), raceRuns)
}

func mustRunClean(t *testing.T, exe string) {
	for range raceRuns {
		out, err := runRace(t, exe)
		if bytes.Contains(out, []byte(raceWarning)) {
			t.Fatalf("%s: data race the analyzer does not report:\n%s", filepath.Base(exe), out)
		}
		if err != nil {
			t.Fatalf("%s: %v\n%s", filepath.Base(exe), err, out)
		}
	}
}

// runRace runs a program built with the race detector, stopping at its
// first report.
func runRace(t *testing.T, exe string) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), "GORACE=halt_on_error=1 atexit_sleep_ms=0")
	out, err := cmd.CombinedOutput()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("%s: did not finish in 30s", filepath.Base(exe))
	}
	return out, err
}

// goCmd runs the go command in dir, failing the test on error.
func goCmd(t *testing.T, gobin, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(gobin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// copyFixed copies the module at src to dst, each file replaced by its
// .golden version where there is one.
func copyFixed(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if strings.HasSuffix(path, ".golden") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if golden, err := os.ReadFile(path + ".golden"); err == nil {
			data = golden
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestShapesDoc checks that docs/sharedvar-shapes.md lists every program
// of testdata/race, as reported or not as the program's expectations say.
func TestShapesDoc(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "sharedvar-shapes.md"))
	if err != nil {
		t.Fatal(err)
	}
	listed := make(map[string]string) // program => "reported" or "not reported"
	for line := range strings.SplitSeq(string(data), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 {
			continue
		}
		prog := strings.Trim(strings.TrimSpace(cells[len(cells)-2]), "`")
		status := strings.TrimSpace(cells[len(cells)-3])
		if name, ok := strings.CutPrefix(prog, "testdata/race/"); ok {
			listed[name] = status
		}
	}
	var names []string
	for _, s := range shapes(t) {
		names = append(names, s.name)
		want := "not reported"
		if s.racy {
			want = "reported"
		}
		switch got, ok := listed[s.name]; {
		case !ok:
			t.Errorf("docs/sharedvar-shapes.md does not list testdata/race/%s", s.name)
		case got != want:
			t.Errorf("docs/sharedvar-shapes.md says testdata/race/%s is %q, want %q", s.name, got, want)
		}
	}
	for name := range listed {
		if !slices.Contains(names, name) {
			t.Errorf("docs/sharedvar-shapes.md lists testdata/race/%s, which does not exist", name)
		}
	}
}
