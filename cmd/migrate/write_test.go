package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procmigrate/procmigrate/rewrite"
)

// writeTree creates files named by their relative path in a temporary
// directory, with mode 0o644 unless the name ends in ".sh" (0o755).
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		mode := os.FileMode(0o644)
		if strings.HasSuffix(name, ".sh") {
			mode = 0o755
		}
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil { // beat the umask
			t.Fatal(err)
		}
	}
	return dir
}

// change is the rewrite of dir/name from old to new.
func change(dir, name, old, new string) rewrite.File {
	return rewrite.File{Path: filepath.Join(dir, name), Old: []byte(old), New: []byte(new), Mode: 0o644}
}

// assertContent fails unless every file in dir has the given content.
func assertContent(t *testing.T, dir string, want map[string]string) {
	t.Helper()
	for name, content := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("read %s: %v", name, err)
		} else if string(got) != content {
			t.Errorf("%s = %q, want %q", name, got, content)
		}
	}
}

// assertNoTemps fails if a temporary file is left anywhere under dir.
func assertNoTemps(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.Contains(d.Name(), ".migrate-") {
			t.Errorf("temporary file left: %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWriteFiles(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.go": "a0", "sub/run.sh": "b0"})
	files := []rewrite.File{change(dir, "a.go", "a0", "a1"), change(dir, "sub/run.sh", "b0", "b1")}
	if err := writeFiles(context.Background(), dir, files); err != nil {
		t.Fatal(err)
	}
	assertContent(t, dir, map[string]string{"a.go": "a1", "sub/run.sh": "b1"})
	assertNoTemps(t, dir)

	// The original mode is kept, not the one in rewrite.File.
	info, err := os.Stat(filepath.Join(dir, "sub/run.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o755 {
		t.Errorf("mode of run.sh = %v, want 0755", info.Mode().Perm())
	}
}

func TestWriteFilesThroughSymlink(t *testing.T) {
	dir := writeTree(t, map[string]string{"real.go": "x0"})
	link := filepath.Join(dir, "link.go")
	if err := os.Symlink("real.go", link); err != nil {
		t.Skipf("no symbolic links: %v", err)
	}
	if err := writeFiles(context.Background(), dir, []rewrite.File{change(dir, "link.go", "x0", "x1")}); err != nil {
		t.Fatal(err)
	}
	assertContent(t, dir, map[string]string{"real.go": "x1"})
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("link.go is no longer a symbolic link: %v, %v", fi, err)
	}
}

// A failure after some files are staged leaves every file as it was and
// no temporary file behind.
func TestWriteFilesFailureChangesNothing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		third rewrite.File
		want  string
	}{
		{"changed meanwhile", rewrite.File{Path: "c.go", Old: []byte("c0"), New: []byte("c1")}, "write c.go: file changed since it was read; nothing changed"},
		{"missing directory", rewrite.File{Path: "gone/d.go", Old: []byte("d0"), New: []byte("d1")}, "write gone/d.go: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orig := map[string]string{"a.go": "a0", "b.go": "b0", "c.go": "c-edited"}
			dir := writeTree(t, orig)
			third := tc.third
			third.Path = filepath.Join(dir, third.Path)
			files := []rewrite.File{change(dir, "a.go", "a0", "a1"), change(dir, "b.go", "b0", "b1"), third}
			err := writeFiles(context.Background(), dir, files)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("error = %v, want prefix %q", err, tc.want)
			}
			assertContent(t, dir, orig)
			assertNoTemps(t, dir)
		})
	}
}

// interruptAfter is a context cancelled after Err has been asked n times,
// to interrupt writeFiles between two files.
type interruptAfter struct {
	context.Context
	n int
}

func (c *interruptAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// An interrupt before the renames, whether before the first file or after
// some are staged, changes nothing.
func TestWriteFilesInterrupted(t *testing.T) {
	for n := range 4 {
		orig := map[string]string{"a.go": "a0", "b.go": "b0", "c.go": "c0"}
		dir := writeTree(t, orig)
		ctx := &interruptAfter{context.Background(), n}
		files := []rewrite.File{change(dir, "a.go", "a0", "a1"), change(dir, "b.go", "b0", "b1"), change(dir, "c.go", "c0", "c1")}
		err := writeFiles(ctx, dir, files)
		if err == nil || !strings.Contains(err.Error(), "interrupted") {
			t.Fatalf("after %d checks: error = %v, want interrupted", n, err)
		}
		assertContent(t, dir, orig)
		assertNoTemps(t, dir)
	}
}
