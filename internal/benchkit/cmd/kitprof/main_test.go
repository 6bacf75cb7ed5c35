package main

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"

	"github.com/procmigrate/procmigrate/internal/benchkit/genmod"
)

// TestTime checks the line that docs/bench-kit.sh reads, and that a
// failing command is measured, not an error.
func TestTime(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the figures come from wait4's rusage on Linux")
	}
	out := filepath.Join(t.TempDir(), "fig")
	if err := run([]string{"time", "-o", out, "--", "sh", "-c", "exit 3"}); err != nil {
		t.Fatal(err)
	}
	line, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`^wall=\d+\.\d{3} user=\d+\.\d{3} sys=\d+\.\d{3} maxrss_kib=[1-9]\d* exit=3\n$`)
	if !want.Match(line) {
		t.Errorf("kitprof time wrote %q, want a line matching %s", line, want)
	}
	if err := run([]string{"time", "-o", out, "--", filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Error("a command that does not start is not an error")
	}
}

// TestCheckAndRewrite runs kitprof check and kitprof rewrite, with a CPU
// profile, on a small generated module, one cycle of its kinds: what
// they repeat of migrate must still load and run.
func TestCheckAndRewrite(t *testing.T) {
	if testing.Short() || raceEnabled {
		// Under the race detector the analyzers and the rewriter are
		// tested in their own packages; this only checks the wiring.
		t.Skip("loads and type-checks a generated module twice")
	}
	dir := t.TempDir()
	if _, err := genmod.Generate(dir, genmod.Config{Module: "example.com/gen", Packages: 8, Blocks: 1}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	for _, cmd := range []string{"check", "rewrite"} {
		prof := filepath.Join(t.TempDir(), cmd+".prof")
		if err := run([]string{cmd, "-C", dir, "-cpuprofile", prof, "./..."}); err != nil {
			t.Fatalf("kitprof %s: %v", cmd, err)
		}
		if fi, err := os.Stat(prof); err != nil || fi.Size() == 0 {
			t.Errorf("kitprof %s wrote no profile: %v", cmd, err)
		}
	}
}
