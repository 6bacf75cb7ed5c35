package rewrite

import (
	"bytes"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestAgentswarmEndToEnd migrates the shipped example in a copy and checks
// what a user would: the result builds, passes go vet, prints exactly what
// the original printed when run with the race detector, starts no worker
// processes, keeps every comment, and a second run changes nothing.
func TestAgentswarmEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the example twice")
	}
	dir := copyTree(t, filepath.Join("..", "testdata", "agentswarm"))
	want, wantLog := goRun(t, dir, "run", ".", "-agents", "8", "-tasks", "120")
	checkTallies(t, "original", wantLog, 8, 120)
	comments := commentTexts(t, dir)

	migrateSwarm(t, dir)

	goCmd(t, dir, "build", "./...")
	goCmd(t, dir, "vet", "./...")
	got, gotLog := goRun(t, dir, "run", "-race", ".", "-agents", "8", "-tasks", "120")
	if got != want {
		t.Errorf("migrated output differs\n--- original\n%s--- migrated\n%s", want, got)
	}
	// Each agent still counts only its own tasks: a tally the agents
	// shared would count some twice.
	checkTallies(t, "migrated", gotLog, 8, 120)

	// No worker process is left: the program's own files no longer use
	// os/exec.
	for _, f := range goFiles(t, dir) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(src, []byte(`"os/exec"`)) {
			t.Errorf("%s still imports os/exec", filepath.Base(f))
		}
	}

	// Every comment of the original is still there.
	after := commentTexts(t, dir)
	for c, n := range comments {
		if after[c] < n {
			t.Errorf("comment lost: %q", c)
		}
	}

	// A second run changes nothing.
	again, err := Run(Config{Dir: dir, Patterns: []string{"./..."}})
	if err != nil {
		t.Fatalf("second rewrite: %v", err)
	}
	if len(again.Files) != 0 {
		t.Errorf("second rewrite changes %d files, first %s", len(again.Files), again.Files[0].Path)
	}
}

// migrateSwarm rewrites the copy of the example in dir in place and checks
// that its one spawn site went to typed channels.
func migrateSwarm(t testing.TB, dir string) {
	t.Helper()
	res, err := Run(Config{Dir: dir, Patterns: []string{"./..."}})
	if err != nil {
		t.Fatalf("rewrite: %v", err)
	}
	if len(res.Sites) != 1 || res.Sites[0].Level != TypedChannels {
		t.Fatalf("sites = %+v, want one converted to typed channels", res.Sites)
	}
	writeResult(t, res)
}

// agentTally is the line each agent of the example logs as it stops.
var agentTally = regexp.MustCompile(`agent \d+: handled (\d+) tasks`)

// checkTallies checks that the log has one tally line per agent and that
// they add up to the tasks sent.
func checkTallies(t *testing.T, which, log string, agents, tasks int) {
	t.Helper()
	lines := agentTally.FindAllStringSubmatch(log, -1)
	sum := 0
	for _, m := range lines {
		n, err := strconv.Atoi(m[1])
		if err != nil {
			t.Fatal(err)
		}
		sum += n
	}
	if len(lines) != agents || sum != tasks {
		t.Errorf("%s: %d agent tallies adding up to %d, want %d adding up to %d:\n%s", which, len(lines), sum, agents, tasks, log)
	}
}

// goCmd runs the go command in dir and returns its standard output.
func goCmd(t testing.TB, dir string, args ...string) string {
	t.Helper()
	stdout, _ := goRun(t, dir, args...)
	return stdout
}

// goRun runs the go command in dir and returns its standard output and
// error.
func goRun(t testing.TB, dir string, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), stderr.String()
}

// copyTree copies the directory src into a new temporary directory.
func copyTree(t testing.TB, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
	return dst
}

func writeResult(t testing.TB, res *Result) {
	t.Helper()
	for _, f := range res.Files {
		if err := os.WriteFile(f.Path, f.New, f.Mode); err != nil {
			t.Fatal(err)
		}
	}
}

func goFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// commentTexts counts the comment lines of the Go files in dir.
func commentTexts(t *testing.T, dir string) map[string]int {
	t.Helper()
	out := map[string]int{}
	fset := token.NewFileSet()
	for _, name := range goFiles(t, dir) {
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range f.Comments {
			for _, c := range g.List {
				out[strings.TrimSpace(c.Text)]++
			}
		}
	}
	return out
}

// TestCgoworkerEndToEnd migrates the cgo example, whose worker code calls
// strtok and gmtime and a preamble function that formats into a static
// buffer, and runs it with many workers under the race detector: strtok
// and gmtime are switched to their reentrant variants and the function
// that calls the preamble's is serialized, so the output is what the
// original printed, and the statistics name every worker once.
func TestCgoworkerEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the example twice")
	}
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("needs a C compiler for cgo")
	}
	dir := copyTree(t, filepath.Join("..", "testdata", "cgoworker"))
	args := []string{"-workers", "16", "-records", "400"}
	want := goCmd(t, dir, append([]string{"run", "."}, args...)...)

	res, err := Run(Config{Dir: dir, Patterns: []string{"./..."}})
	if err != nil {
		t.Fatalf("rewrite: %v", err)
	}
	if len(res.Sites) != 1 || res.Sites[0].Level == Unchanged {
		t.Fatalf("sites = %+v, want one converted", res.Sites)
	}
	notes := strings.Join(res.Sites[0].Notes, "\n")
	if !strings.Contains(notes, "calls into C in") {
		t.Errorf("notes do not say the C calls are serialized:\n%s", notes)
	}
	for _, call := range []string{"C.strtok", "C.gmtime"} {
		if !strings.Contains(notes, call+" in ") || !strings.Contains(notes, "reentrant variant") {
			t.Errorf("notes do not say %s was switched to its reentrant variant:\n%s", call, notes)
		}
	}
	writeResult(t, res)

	goCmd(t, dir, "vet", "./...")
	cmd := exec.Command("go", append([]string{"run", "-race", "."}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("migrated run: %v\n%s", err, stderr.String())
	}
	if stdout.String() != want {
		t.Errorf("migrated output differs\n--- original\n%s--- migrated\n%s", want, stdout.String())
	}
	if n := strings.Count(stderr.String(), " normalized "); n != 16 {
		t.Errorf("%d workers reported statistics, want 16:\n%s", n, stderr.String())
	}

	again, err := Run(Config{Dir: dir, Patterns: []string{"./..."}})
	if err != nil {
		t.Fatalf("second rewrite: %v", err)
	}
	if len(again.Files) != 0 {
		t.Errorf("second rewrite changes %d files, first %s", len(again.Files), again.Files[0].Path)
	}
}

// TestDigestEndToEnd migrates the example whose workers speak gob, tab-
// separated lines, and one-shot Output, and runs each shape with the race
// detector: the output is what the original printed, every comment is
// kept, no worker process is left, and a second run changes nothing.
func TestDigestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the example twice")
	}
	dir := copyTree(t, filepath.Join("..", "testdata", "digest"))
	shapes := []string{"gob", "lines", "once"}
	args := func(shape string) []string { return []string{"-shape", shape, "-workers", "6", "-docs", "90"} }
	want := map[string]string{}
	for _, shape := range shapes {
		want[shape] = goCmd(t, dir, append([]string{"run", "."}, args(shape)...)...)
	}
	comments := commentTexts(t, dir)

	migrateExample(t, dir)

	goCmd(t, dir, "vet", "./...")
	bin := filepath.Join(t.TempDir(), "digest")
	goCmd(t, dir, "build", "-race", "-o", bin, ".")
	for _, shape := range shapes {
		out, err := exec.Command(bin, args(shape)...).Output()
		if err != nil {
			t.Fatalf("migrated run, -shape %s: %v", shape, err)
		}
		if string(out) != want[shape] {
			t.Errorf("-shape %s: migrated output differs\n--- original\n%s--- migrated\n%s", shape, want[shape], out)
		}
	}
	for _, f := range goFiles(t, dir) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(src, []byte(`"os/exec"`)) {
			t.Errorf("%s still imports os/exec", filepath.Base(f))
		}
	}
	after := commentTexts(t, dir)
	for c, n := range comments {
		if after[c] < n {
			t.Errorf("comment lost: %q", c)
		}
	}

	again, err := Run(Config{Dir: dir, Patterns: []string{"./..."}})
	if err != nil {
		t.Fatalf("second rewrite: %v", err)
	}
	if len(again.Files) != 0 {
		t.Errorf("second rewrite changes %d files, first %s", len(again.Files), again.Files[0].Path)
	}
}
