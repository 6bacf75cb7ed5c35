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

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"

	"github.com/procmigrate/procmigrate/analyzers/sharedvar"
)

// A shape is one program of testdata/race: a main package that either
// races, and carries the analyzer's `// want` expectations, or must not
// be reported and must run clean under the race detector.
type shape struct {
	name   string
	racy   bool // some file expects a diagnostic
	test   bool // the race is in its tests: built with go test -c
	golden bool // some file has a .golden fix

	// A racy shape has a fixed version: its .golden files, or the
	// hand-fixed program of testdata/fixed/NAME where the analyzer
	// offers no fix, and what that version must print, in
	// testdata/fixed/NAME/stdout.
	handFixed bool
	stdout    []byte // nil: no stdout file
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
		fixed := filepath.Join("testdata", "fixed", e.Name())
		if goFiles, _ := filepath.Glob(filepath.Join(fixed, "*.go")); len(goFiles) > 0 {
			s.handFixed = true
		}
		if data, err := os.ReadFile(filepath.Join(fixed, "stdout")); err == nil {
			s.stdout = data
		}
		out = append(out, s)
	}
	return out
}

// TestRace builds every program of testdata/race with the race detector
// and runs it: each one the analyzer reports must race, and each one it
// does not must run clean. The fixed version of each racy program is
// run stressRuns times and must run clean and print what it should. It
// shows that what the analyzer reports are races, that what it leaves
// alone is not, and that the fixes remove the race and keep the result.
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

	// Build the programs, and their fixed versions.
	goCmd(t, gobin, src, "build", "-race", "-o", bin+string(filepath.Separator), "./...")
	fixed := fixedModule(t, src, all)
	fixedBin := t.TempDir()
	var fixedPkgs []string
	for _, s := range all {
		if s.test {
			goCmd(t, gobin, src, "test", "-race", "-c", "-o", filepath.Join(bin, s.name+".test"), "./"+s.name)
		}
		switch {
		case !s.racy || !s.hasFix():
			// nothing to fix, or TestFixedVersions says what is missing
		case s.test:
			goCmd(t, gobin, fixed, "test", "-race", "-c", "-o", filepath.Join(fixedBin, s.name+".test"), "./"+s.name)
		default:
			fixedPkgs = append(fixedPkgs, "./"+s.name)
		}
	}
	if len(fixedPkgs) > 0 {
		goCmd(t, gobin, fixed, append([]string{"build", "-race", "-o", fixedBin + string(filepath.Separator)}, fixedPkgs...)...)
	}

	for _, s := range all {
		exe := s.name
		if s.test {
			exe += ".test"
		}
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			if s.racy {
				mustRace(t, filepath.Join(bin, exe))
			} else {
				mustRunClean(t, filepath.Join(bin, exe))
			}
		})
		if s.racy && s.hasFix() {
			t.Run(s.name+"/fixed", func(t *testing.T) {
				t.Parallel()
				stress(t, filepath.Join(fixedBin, exe), s.stdout)
			})
		}
	}
}

// hasFix reports whether a racy shape has a fixed version and the
// output it must print.
func (s shape) hasFix() bool {
	return (s.golden || s.handFixed) && s.stdout != nil
}

// TestFixedVersions checks that every racy program of testdata/race has
// a fixed version, and that the analyzer reports nothing on any of them:
// a fix that leaves a finding behind is not one.
func TestFixedVersions(t *testing.T) {
	all := shapes(t)
	for _, s := range all {
		switch {
		case !s.racy:
			if s.handFixed || s.stdout != nil {
				t.Errorf("testdata/fixed/%s: %s is not reported, so has no fixed version", s.name, s.name)
			}
		case s.golden && s.handFixed:
			t.Errorf("testdata/fixed/%s: %s has a suggested fix, which is its fixed version", s.name, s.name)
		case !s.golden && !s.handFixed:
			t.Errorf("testdata/race/%s: no fixed version: no .golden file and no testdata/fixed/%s", s.name, s.name)
		case s.stdout == nil:
			t.Errorf("testdata/fixed/%s/stdout: missing: what the fixed version prints", s.name)
		}
	}

	src, _ := filepath.Abs(filepath.Join("testdata", "race"))
	dir := fixedModule(t, src, all)
	pkgs := load(t, dir, false, "./...")
	g, err := checker.Analyze([]*analysis.Analyzer{sharedvar.Analyzer}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for act := range g.All() {
		if act.IsRoot && act.Analyzer == sharedvar.Analyzer {
			n++
			for _, d := range act.Diagnostics {
				t.Errorf("%s, %s: %s", act.Package.PkgPath, position(act.Package.Fset, d.Pos), d.Message)
			}
		}
	}
	if n < len(all) {
		t.Errorf("analyzed %d packages of the fixed programs, want at least %d", n, len(all))
	}
}

// fixedModule returns a copy of the module at src with every racy
// program replaced by its fixed version.
func fixedModule(t *testing.T, src string, all []shape) string {
	t.Helper()
	dst := t.TempDir()
	copyFixed(t, src, dst)
	for _, s := range all {
		if !s.handFixed {
			continue
		}
		target := filepath.Join(dst, s.name)
		if err := os.RemoveAll(target); err != nil {
			t.Fatal(err)
		}
		copyTree(t, filepath.Join("testdata", "fixed", s.name), target, func(name string) bool {
			return strings.HasSuffix(name, ".go")
		})
	}
	return dst
}

// stressRuns is how often a fixed program is run: a race the detector
// misses in one run is unlikely to be missed in all of them.
const stressRuns = 20

// stress runs a fixed program stressRuns times: every run must be free
// of races, succeed, and print want.
func stress(t *testing.T, exe string, want []byte) {
	for i := range stressRuns {
		stdout, stderr, err := runRace(t, exe)
		if bytes.Contains(stderr, []byte(raceWarning)) {
			t.Fatalf("%s, run %d: data race in the fixed version:\n%s", filepath.Base(exe), i+1, stderr)
		}
		if err != nil {
			t.Fatalf("%s, run %d: %v\n%s%s", filepath.Base(exe), i+1, err, stdout, stderr)
		}
		if !bytes.Equal(stdout, want) {
			t.Fatalf("%s, run %d: printed %q, want %q", filepath.Base(exe), i+1, stdout, want)
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
		_, stderr, _ := runRace(t, exe)
		if bytes.Contains(stderr, []byte(raceWarning)) {
			return
		}
	}
	t.Errorf("%s: no data race in %d runs, though the analyzer reports one", filepath.Base(exe), raceRuns)
}

func mustRunClean(t *testing.T, exe string) {
	for range raceRuns {
		stdout, stderr, err := runRace(t, exe)
		if bytes.Contains(stderr, []byte(raceWarning)) {
			t.Fatalf("%s: data race the analyzer does not report:\n%s", filepath.Base(exe), stderr)
		}
		if err != nil {
			t.Fatalf("%s: %v\n%s%s", filepath.Base(exe), err, stdout, stderr)
		}
	}
}

// runRace runs a program built with the race detector, stopping at its
// first report, which goes to stderr.
func runRace(t *testing.T, exe string) (stdout, stderr []byte, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), "GORACE=halt_on_error=1 atexit_sleep_ms=0")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("%s: did not finish in 30s", filepath.Base(exe))
	}
	return out.Bytes(), errOut.Bytes(), err
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
	copyTree(t, src, dst, func(name string) bool { return !strings.HasSuffix(name, ".golden") })
}

// copyTree copies the files under src whose names keep accepts to dst,
// each replaced by its .golden version where there is one.
func copyTree(t *testing.T, src, dst string, keep func(name string) bool) {
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
		if !keep(d.Name()) {
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
