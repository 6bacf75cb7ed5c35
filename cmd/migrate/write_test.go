package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/procmigrate/procmigrate/rewrite"
)

// writeTree creates files named by their relative path in a temporary
// directory, with mode 0o644 unless the name ends in ".sh" (0o755) or
// ".key" (0o600).
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		mode := os.FileMode(0o644)
		switch filepath.Ext(name) {
		case ".sh":
			mode = 0o755
		case ".key":
			mode = 0o600
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

// assertMode fails unless dir/name has permissions want.
func assertMode(t *testing.T, dir, name string, want fs.FileMode) {
	t.Helper()
	info, err := os.Stat(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != want {
		t.Errorf("mode of %s = %v, want %v", name, info.Mode().Perm(), want)
	}
}

func TestWriteFiles(t *testing.T) {
	dir := writeTree(t, map[string]string{"go.mod": "module m\n", "a.go": "a0", "sub/run.sh": "b0", "secret.key": "c0"})
	files := []rewrite.File{change(dir, "a.go", "a0", "a1"), change(dir, "sub/run.sh", "b0", "b1"), change(dir, "secret.key", "c0", "c1")}
	if err := writeFiles(context.Background(), nil, dir, files); err != nil {
		t.Fatal(err)
	}
	assertContent(t, dir, map[string]string{"a.go": "a1", "sub/run.sh": "b1", "secret.key": "c1"})
	assertNoTemps(t, dir)

	// The original mode is kept, not the one in rewrite.File.
	assertMode(t, dir, "a.go", 0o644)
	assertMode(t, dir, "sub/run.sh", 0o755)
	assertMode(t, dir, "secret.key", 0o600)
}

// A new file, such as the runtime, gets the mode the rewrite gives it.
func TestWriteFilesNewFile(t *testing.T) {
	dir := writeTree(t, map[string]string{"go.mod": "module m\n", "a.go": "a0"})
	files := []rewrite.File{change(dir, "a.go", "a0", "a1"), {Path: filepath.Join(dir, "new.go"), New: []byte("n1"), Mode: 0o644}}
	if err := writeFiles(context.Background(), nil, dir, files); err != nil {
		t.Fatal(err)
	}
	assertContent(t, dir, map[string]string{"a.go": "a1", "new.go": "n1"})
	assertMode(t, dir, "new.go", 0o644)
}

func TestWriteFilesThroughSymlink(t *testing.T) {
	dir := writeTree(t, map[string]string{"go.mod": "module m\n", "real.go": "x0"})
	link := filepath.Join(dir, "link.go")
	if err := os.Symlink("real.go", link); err != nil {
		t.Skipf("no symbolic links: %v", err)
	}
	if err := writeFiles(context.Background(), nil, dir, []rewrite.File{change(dir, "link.go", "x0", "x1")}); err != nil {
		t.Fatal(err)
	}
	assertContent(t, dir, map[string]string{"real.go": "x1"})
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("link.go is no longer a symbolic link: %v, %v", fi, err)
	}
}

// A symbolic link that leads out of the module fails the run before
// anything is written, inside the module or out of it.
func TestWriteFilesSymlinkOutOfModule(t *testing.T) {
	outside := writeTree(t, map[string]string{"shared.go": "s0"})
	orig := map[string]string{"go.mod": "module m\n", "a.go": "a0", "b.go": "b0"}
	dir := writeTree(t, orig)
	if err := os.Symlink(filepath.Join(outside, "shared.go"), filepath.Join(dir, "shared.go")); err != nil {
		t.Skipf("no symbolic links: %v", err)
	}
	files := []rewrite.File{change(dir, "a.go", "a0", "a1"), change(dir, "shared.go", "s0", "s1"), change(dir, "b.go", "b0", "b1")}
	err := writeFiles(context.Background(), nil, dir, files)
	want := "write shared.go: it is a symbolic link to " + filepath.Join(outside, "shared.go") + ", outside the module at " + dir + "; nothing changed"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %q", err, want)
	}
	assertContent(t, dir, orig)
	assertContent(t, outside, map[string]string{"shared.go": "s0"})
	assertNoTemps(t, dir)
	assertNoTemps(t, outside)
}

// A read-only file or directory fails the run with an error naming the
// file, and every file is left as it was. The checks read the permission
// bits, so they hold for root too, whom the system would let write.
func TestWriteFilesReadOnly(t *testing.T) {
	for _, tc := range []struct {
		name     string
		readOnly string // made read-only: a file or a directory
		mode     fs.FileMode
		want     string
	}{
		{"file", "b.go", 0o444, "write b.go: the file is read-only (mode 0444); nothing changed"},
		{"directory", "sub", 0o555, "write sub/c.go: directory %s/sub is read-only (mode 0555); nothing changed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orig := map[string]string{"go.mod": "module m\n", "a.go": "a0", "b.go": "b0", "sub/c.go": "c0"}
			dir := writeTree(t, orig)
			ro := filepath.Join(dir, tc.readOnly)
			if err := os.Chmod(ro, tc.mode); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(ro, 0o755) }) // let TempDir remove it
			files := []rewrite.File{change(dir, "a.go", "a0", "a1"), change(dir, "b.go", "b0", "b1"), change(dir, "sub/c.go", "c0", "c1")}
			err := writeFiles(context.Background(), nil, dir, files)
			want := tc.want
			if strings.Contains(want, "%s") {
				want = fmt.Sprintf(want, dir)
			}
			if err == nil || err.Error() != want {
				t.Fatalf("error = %v, want %q", err, want)
			}
			assertContent(t, dir, orig)
			assertNoTemps(t, dir)
		})
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
			err := writeFiles(context.Background(), nil, dir, files)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("error = %v, want prefix %q", err, tc.want)
			}
			assertContent(t, dir, orig)
			assertNoTemps(t, dir)
		})
	}
}

// faultFS is the operating system's file system with one failure put in:
// a temporary file whose Write, Sync or Close fails as on a full disk,
// or a Rename that fails.
type faultFS struct {
	osFS
	failTemp   int    // the temporary file (1-based) that fails
	failAt     string // "write", "sync" or "close"
	failRename int    // the rename (1-based) that fails
	temps      int
	renames    int
}

func (f *faultFS) CreateTemp(dir, pattern string) (tempFile, error) {
	tmp, err := f.osFS.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	f.temps++
	if f.temps != f.failTemp {
		return tmp, nil
	}
	return &fullTemp{File: tmp.(*os.File), failAt: f.failAt}, nil
}

func (f *faultFS) Rename(oldpath, newpath string) error {
	f.renames++
	if f.renames == f.failRename {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EXDEV}
	}
	return f.osFS.Rename(oldpath, newpath)
}

// fullTemp is a temporary file on a disk that fills up: Write writes half
// of what it is given and fails, or Sync or Close fails, as a file system
// that allocates blocks late reports it.
type fullTemp struct {
	*os.File
	failAt string
}

func (t *fullTemp) Write(p []byte) (int, error) {
	if t.failAt != "write" {
		return t.File.Write(p)
	}
	n, _ := t.File.Write(p[:len(p)/2])
	return n, &fs.PathError{Op: "write", Path: t.Name(), Err: syscall.ENOSPC}
}

func (t *fullTemp) Sync() error {
	if t.failAt == "sync" {
		return &fs.PathError{Op: "sync", Path: t.Name(), Err: syscall.ENOSPC}
	}
	return t.File.Sync()
}

func (t *fullTemp) Close() error {
	err := t.File.Close()
	if t.failAt == "close" {
		return &fs.PathError{Op: "close", Path: t.Name(), Err: syscall.ENOSPC}
	}
	return err
}

// A full disk fails the run cleanly: an error naming the file and the
// cause, every file as it was, no temporary file left, whichever call
// finds the disk full.
func TestWriteFilesDiskFull(t *testing.T) {
	for _, at := range []string{"write", "sync", "close"} {
		t.Run(at, func(t *testing.T) {
			orig := map[string]string{"go.mod": "module m\n", "a.go": "a0", "b.go": "b0", "c.go": "c0"}
			dir := writeTree(t, orig)
			files := []rewrite.File{change(dir, "a.go", "a0", "a1"), change(dir, "b.go", "b0", "b1"), change(dir, "c.go", "c0", "c1")}
			fsys := &faultFS{failTemp: 2, failAt: at}
			err := writeFiles(context.Background(), fsys, dir, files)
			if err == nil || !strings.HasPrefix(err.Error(), "write b.go: "+at+" ") || !strings.HasSuffix(err.Error(), ": no space left on device; nothing changed") {
				t.Fatalf("error = %v, want write b.go: %s ...: no space left on device; nothing changed", err, at)
			}
			if !errors.Is(err, syscall.ENOSPC) {
				t.Errorf("error %v does not wrap ENOSPC", err)
			}
			assertContent(t, dir, orig)
			assertNoTemps(t, dir)
		})
	}
}

// A rename that fails once others are done says which files are already
// replaced, and leaves no temporary file; each file is whole, old or new.
func TestWriteFilesRenameFails(t *testing.T) {
	dir := writeTree(t, map[string]string{"go.mod": "module m\n", "a.go": "a0", "b.go": "b0", "c.go": "c0"})
	files := []rewrite.File{change(dir, "a.go", "a0", "a1"), change(dir, "b.go", "b0", "b1"), change(dir, "c.go", "c0", "c1")}
	err := writeFiles(context.Background(), &faultFS{failRename: 2}, dir, files)
	if err == nil || !strings.HasPrefix(err.Error(), "replace b.go: rename ") || !strings.HasSuffix(err.Error(), "invalid cross-device link; already replaced: a.go") {
		t.Fatalf("error = %v", err)
	}
	assertContent(t, dir, map[string]string{"a.go": "a1", "b.go": "b0", "c.go": "c0"})
	assertNoTemps(t, dir)
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
		err := writeFiles(ctx, nil, dir, files)
		if err == nil || !strings.Contains(err.Error(), "interrupted") {
			t.Fatalf("after %d checks: error = %v, want interrupted", n, err)
		}
		assertContent(t, dir, orig)
		assertNoTemps(t, dir)
	}
}

// helperEnv names the environment variable that makes the test binary run
// migrate rewrite --write for TestRewriteWriteSIGINT: its value is the
// step to pause at, "stage" or "rename", and the module is the working
// directory.
const helperEnv = "PROCMIGRATE_TEST_WRITE_HELPER"

// pauseFS pauses the second time it is asked to stage a file or to rename
// one, until the process gets SIGINT: it says "paused" on stderr, so that
// the test knows when to send it.
type pauseFS struct {
	osFS
	at    string // "stage" or "rename"
	mu    sync.Mutex
	calls int
}

func (p *pauseFS) pause(step string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if step != p.at {
		return
	}
	if p.calls++; p.calls != 2 {
		return
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	fmt.Fprintln(os.Stderr, "paused")
	select {
	case <-sig:
	case <-time.After(time.Minute):
		fmt.Fprintln(os.Stderr, "no interrupt came")
	}
}

func (p *pauseFS) CreateTemp(dir, pattern string) (tempFile, error) {
	p.pause("stage")
	return p.osFS.CreateTemp(dir, pattern)
}

func (p *pauseFS) Rename(oldpath, newpath string) error {
	p.pause("rename")
	return p.osFS.Rename(oldpath, newpath)
}

// TestRewriteWriteHelper is migrate in the helper process of
// TestRewriteWriteSIGINT; it does nothing in a normal run.
func TestRewriteWriteHelper(t *testing.T) {
	at := os.Getenv(helperEnv)
	if at == "" {
		t.Skip("run by TestRewriteWriteSIGINT only")
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	env := &cliEnv{Stdout: os.Stdout, Stderr: os.Stderr, Dir: wd, Rewrite: rewrite.Run, FS: &pauseFS{at: at}}
	cmd := newRootCmd(env)
	cmd.SetArgs([]string{"rewrite", "--write", "./..."})
	os.Exit(exitCode(cmd.ExecuteContext(context.Background()), os.Stderr))
}

// TestRewriteWriteSIGINT sends SIGINT to a real migrate rewrite --write
// process between two files: while they are staged nothing has changed
// when it exits, and during the renames every file is replaced whole.
func TestRewriteWriteSIGINT(t *testing.T) {
	if testing.Short() {
		t.Skip("rewrites a module in another process")
	}
	for _, tc := range []struct {
		at       string
		wantCode int
		wantNew  bool
	}{
		{"stage", 1, false},
		{"rename", 0, true},
	} {
		t.Run(tc.at, func(t *testing.T) {
			dir, orig := workerModule(t, 3)
			cmd := exec.Command(os.Args[0], "-test.run=^TestRewriteWriteHelper$")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), helperEnv+"="+tc.at, "GOFLAGS=-mod=mod", "GOWORK=off")
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var rest bytes.Buffer
			sc := bufio.NewScanner(stderr)
			paused := false
			for sc.Scan() {
				if sc.Text() == "paused" && !paused {
					paused = true
					if err := cmd.Process.Signal(os.Interrupt); err != nil {
						t.Fatal(err)
					}
					continue
				}
				rest.WriteString(sc.Text() + "\n")
			}
			err = cmd.Wait()
			code := 0
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				code = exitErr.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if !paused {
				t.Fatalf("the helper never paused; stderr:\n%s", rest.String())
			}
			if code != tc.wantCode {
				t.Fatalf("exit status %d, want %d; stderr:\n%s", code, tc.wantCode, rest.String())
			}
			if !tc.wantNew && !strings.Contains(rest.String(), "migrate: write files: interrupted; nothing changed") {
				t.Errorf("stderr does not say the write was interrupted:\n%s", rest.String())
			}
			for name, old := range orig {
				got, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				switch isNew := !bytes.Equal(got, old); {
				case isNew != tc.wantNew:
					t.Errorf("%s changed = %v, want %v", name, isNew, tc.wantNew)
				case isNew && !bytes.Contains(got, []byte("newInprocCmd(")):
					t.Errorf("%s is neither the old file nor the rewritten one:\n%s", name, got)
				}
			}
			assertNoTemps(t, dir)
		})
	}
}

// workerModule writes a module with n main packages that each spawn a
// worker the rewrite converts, and returns its directory and the original
// content of each spawning file.
func workerModule(t *testing.T, n int) (string, map[string][]byte) {
	t.Helper()
	files := map[string]string{"go.mod": "module example.com/w\n\ngo 1.22\n"}
	orig := map[string][]byte{}
	for i := range n {
		name := fmt.Sprintf("cmd/w%d/main.go", i)
		files[name] = interruptWorkerMain
		orig[name] = []byte(interruptWorkerMain)
	}
	return writeTree(t, files), orig
}

const interruptWorkerMain = `package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "upper" {
		data, err := io.ReadAll(os.Stdin)
		if err != nil {
			os.Exit(1)
		}
		fmt.Print(strings.ToUpper(string(data)))
		return
	}
	cmd := exec.Command(os.Args[0], "upper")
	cmd.Stdin = strings.NewReader("hi")
	out, err := cmd.Output()
	if err != nil {
		os.Exit(1)
	}
	fmt.Println(string(out))
}
`
