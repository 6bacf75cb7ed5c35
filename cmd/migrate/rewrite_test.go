package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procmigrate/procmigrate/internal/benchkit/genmod"
	"github.com/procmigrate/procmigrate/rewrite"
)

// fakeModule writes a module with two files to a temporary directory and
// returns it with a rewrite that changes both.
func fakeModule(t *testing.T) (string, *rewrite.Result) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":       "module example.com/x\n\ngo 1.22\n",
		"main.go":      "package main\n\nfunc main() {\n\tspawn()\n}\n",
		"sub/agent.go": "package sub\n\nvar X = 1\n",
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	main := filepath.Join(dir, "main.go")
	agent := filepath.Join(dir, "sub", "agent.go")
	res := &rewrite.Result{
		Files: []rewrite.File{
			{Path: agent, Old: []byte(files["sub/agent.go"]), New: []byte("package sub\n\nvar X = 2\n"), Mode: 0o600},
			{Path: main, Old: []byte(files["main.go"]), New: []byte("package main\n\nfunc main() {\n\tgo serve()\n}\n"), Mode: 0o600},
		},
		Sites: []rewrite.Site{
			{Pos: token.Position{Filename: main, Line: 4, Column: 2}, Role: "agent", Level: rewrite.InProcess, Reason: "the codec is shared", Notes: []string{"privatized os.Stdout"}},
			{Pos: token.Position{Filename: main, Line: 2, Column: 1}, Role: "agent", Level: rewrite.TypedChannels},
			{Pos: token.Position{Filename: agent, Line: 1, Column: 1}, Level: rewrite.Unchanged, Reason: "role is not constant"},
		},
	}
	return dir, res
}

// runCLI runs the command line args in wd as the binary does, with
// rewrite.Run replaced by a function that expects to run in dir and
// returns res.
func runCLI(t *testing.T, wd, dir string, res *rewrite.Result, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &cliEnv{Stdout: &out, Stderr: &errOut, Dir: wd,
		Rewrite: func(cfg rewrite.Config) (*rewrite.Result, error) {
			if cfg.Dir != dir {
				t.Errorf("rewrite dir = %s, want %s", cfg.Dir, dir)
			}
			return res, nil
		}}
	cmd := newRootCmd(env)
	cmd.SetArgs(args)
	code = exitCode(cmd.Execute(), &errOut)
	return out.String(), errOut.String(), code
}

func TestRewriteDiff(t *testing.T) {
	dir, res := fakeModule(t)
	stdout, stderr, code := runCLI(t, dir, dir, res, "rewrite")
	if code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
	}

	// Diffs come in path order with relative headers.
	wantHeaders := []string{"--- a/main.go", "+++ b/main.go", "--- a/sub/agent.go", "+++ b/sub/agent.go"}
	var headers []string
	for line := range strings.Lines(stdout) {
		if strings.HasPrefix(line, "--- ") || strings.HasPrefix(line, "+++ ") {
			headers = append(headers, strings.TrimSpace(line))
		}
	}
	if strings.Join(headers, "\n") != strings.Join(wantHeaders, "\n") {
		t.Errorf("diff headers:\n%s\nwant:\n%s\nfull diff:\n%s", strings.Join(headers, "\n"), strings.Join(wantHeaders, "\n"), stdout)
	}
	if !strings.Contains(stdout, "-\tspawn()\n+\tgo serve()\n") {
		t.Errorf("diff lacks the change:\n%s", stdout)
	}

	// Sites come in position order.
	wantSummary := `main.go:2:1: role "agent": converted to typed channels
main.go:4:2: role "agent": converted in-process: the codec is shared
	privatized os.Stdout
sub/agent.go:1:1: left unchanged: role is not constant
`
	if stderr != wantSummary {
		t.Errorf("summary:\n%s\nwant:\n%s", stderr, wantSummary)
	}

	// Nothing was written.
	for _, f := range res.Files {
		if got, _ := os.ReadFile(f.Path); !bytes.Equal(got, f.Old) {
			t.Errorf("%s changed without --write", f.Path)
		}
	}
}

func TestRewriteWrite(t *testing.T) {
	dir, res := fakeModule(t)
	stdout, stderr, code := runCLI(t, filepath.Dir(dir), dir, res, "rewrite", "--write", "-C", dir)
	if code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout with --write: %q", stdout)
	}
	if !strings.HasPrefix(stderr, "main.go:2:1: ") {
		t.Errorf("summary not relative to -C:\n%s", stderr)
	}
	for _, f := range res.Files {
		got, err := os.ReadFile(f.Path)
		if err != nil || !bytes.Equal(got, f.New) {
			t.Errorf("%s = %q, %v; want %q", f.Path, got, err, f.New)
		}
	}
	assertNoTemps(t, dir)
}

func TestRewriteError(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	env := &cliEnv{Stdout: &out, Stderr: &errOut, Dir: dir,
		Rewrite: func(cfg rewrite.Config) (*rewrite.Result, error) {
			return nil, errors.New(filepath.Join(cfg.Dir, "main.go") + ":3:1: expected 'package', found 'func'\nmore")
		}}
	cmd := newRootCmd(env)
	cmd.SetArgs([]string{"rewrite", "--write"})
	code := exitCode(cmd.Execute(), &errOut)
	want := "migrate: main.go:3:1: expected 'package', found 'func'; more\n"
	if code != 1 || errOut.String() != want || out.Len() != 0 {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1, \"\", %q", code, out.String(), errOut.String(), want)
	}
}

// TestRewriteWriteBuilds runs "migrate rewrite --write" on a module with
// every worker shape of genmod around ordinary code, a few thousand lines,
// then builds and vets the result: the rewriter's own check that what it
// writes type-checks (rewrite/verify.go) is not taken on trust. Each site
// must convert to the level its shape is known to reach, and a second
// rewrite must change nothing.
func TestRewriteWriteBuilds(t *testing.T) {
	dir := t.TempDir()
	cfg := genmod.Config{Module: "example.com/gen", Packages: 24, Blocks: 1}
	st, err := genmod.Generate(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Shapes) != len(genmod.Shapes) {
		t.Fatalf("the module has %d of the %d shapes", len(st.Shapes), len(genmod.Shapes))
	}

	// Migrate it.
	stdout, stderr, code := runMigrate(t, dir, rewrite.Run, "rewrite", "--write", "./...")
	if code != 0 || stdout != "" {
		t.Fatalf("rewrite --write: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}

	// Each worker package's site is converted as its shape says.
	want := map[string]rewrite.Level{"TypedChannels": rewrite.TypedChannels, "InProcess": rewrite.InProcess, "Unchanged": rewrite.Unchanged}
	converted := 0
	for i := range st.Packages {
		kind, shape := genmod.KindOf(i)
		if kind != genmod.Worker {
			continue
		}
		level, ok := want[shape.Level]
		if !ok {
			t.Fatalf("shape %s: unknown level %s", shape.Name, shape.Level)
		}
		prefix := fmt.Sprintf("p%03d%cmain.go:", i, filepath.Separator)
		line := ""
		for l := range strings.Lines(stderr) {
			if strings.HasPrefix(l, prefix) {
				line = l
			}
		}
		if !strings.Contains(line, ": "+levelText(level)) {
			t.Errorf("package p%03d, shape %s: summary %q, want it %s", i, shape.Name, strings.TrimSpace(line), levelText(level))
		}
		_, err := os.Stat(filepath.Join(dir, fmt.Sprintf("p%03d", i), "procmigrate_inproc.go"))
		if written := err == nil; written != (level > rewrite.Unchanged) {
			t.Errorf("package p%03d, shape %s: runtime written %v, want %v", i, shape.Name, written, !written)
		}
		if level > rewrite.Unchanged {
			converted++
		}
	}
	if got := strings.Count(stderr, ": converted "); got != converted || converted == 0 {
		t.Errorf("%d sites converted, want %d:\n%s", got, converted, stderr)
	}

	// What was written builds and passes go vet.
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go %s in the migrated module: %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	// A second rewrite finds nothing more to do.
	stdout, stderr, code = runMigrate(t, dir, rewrite.Run, "rewrite", "./...")
	if code != 0 || stdout != "" {
		t.Errorf("second rewrite: exit %d, diff:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}
