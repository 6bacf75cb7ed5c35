package genmod

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// count returns the files and lines under dir, as Stats counts them.
func count(t *testing.T, dir string) (files, lines int) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		lines += bytes.Count(data, []byte("\n"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files, lines
}

// TestLines generates a module by size: it is at least as large as asked,
// larger by less than about one package, and Stats tells what is on disk.
func TestLines(t *testing.T) {
	dir := t.TempDir()
	st, err := Generate(dir, Config{Module: "example.com/gen", Lines: 3000, Blocks: 5})
	if err != nil {
		t.Fatal(err)
	}
	files, lines := count(t, dir)
	if files != st.Files || lines != st.Lines {
		t.Errorf("Stats say %d files, %d lines; on disk %d files, %d lines", st.Files, st.Lines, files, lines)
	}
	perPackage := st.Lines / st.Packages
	if st.Lines < 3000 || st.Lines >= 3000+2*perPackage {
		t.Errorf("%d lines in %d packages, want at least 3000 and less than about one package more", st.Lines, st.Packages)
	}
	for i := 0; i < st.Packages; i++ {
		kind, _ := KindOf(i)
		if kind == Worker {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, pkgName(i), "code_test.go")); err != nil {
			t.Errorf("package %d (%s) has no test file: %v", i, kind, err)
		}
	}
}

// TestBuilds generates a module with every kind of package and every
// worker shape and checks that go vet, which type-checks the packages and
// their tests, finds nothing wrong with it.
func TestBuilds(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("runs go vet on a generated module, in processes of its own")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	packages := 4 * len(Shapes) // two worker slots in a cycle of eight
	st, err := Generate(dir, Config{Module: "example.com/gen", Packages: packages, Blocks: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Shapes) != len(Shapes) {
		t.Errorf("%d of the %d shapes generated", len(st.Shapes), len(Shapes))
	}
	for _, k := range []Kind{Lib, OSFile, Worker, Conc} {
		if st.Kinds[k] == 0 {
			t.Errorf("no package of kind %s", k)
		}
	}
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOPROXY=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet ./... of the generated module: %v\n%s", err, out)
	}
}

func TestBadConfig(t *testing.T) {
	if _, err := Generate(t.TempDir(), Config{Module: "example.com/gen", Blocks: 1}); err == nil {
		t.Error("neither packages nor lines: no error")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Generate(dir, Config{Module: "example.com/gen", Packages: 1, Blocks: 1})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("non-empty directory: err = %v", err)
	}
}
