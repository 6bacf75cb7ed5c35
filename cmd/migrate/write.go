package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/procmigrate/procmigrate/rewrite"
)

// fileSystem is what writeFiles does to the disk. osFS is the operating
// system's; tests wrap it to fail a write as a full disk would, or to stop
// between two files.
type fileSystem interface {
	Lstat(name string) (fs.FileInfo, error)
	Stat(name string) (fs.FileInfo, error)
	EvalSymlinks(name string) (string, error)
	ReadFile(name string) ([]byte, error)
	CreateTemp(dir, pattern string) (tempFile, error)
	Rename(oldpath, newpath string) error
	Remove(name string) error
	SyncDir(dir string) error
}

// tempFile is a file CreateTemp made, being written.
type tempFile interface {
	io.Writer
	Name() string
	Sync() error
	Chmod(fs.FileMode) error
	Close() error
}

type osFS struct{}

func (osFS) Lstat(name string) (fs.FileInfo, error)   { return os.Lstat(name) }
func (osFS) Stat(name string) (fs.FileInfo, error)    { return os.Stat(name) }
func (osFS) EvalSymlinks(name string) (string, error) { return filepath.EvalSymlinks(name) }
func (osFS) ReadFile(name string) ([]byte, error)     { return os.ReadFile(name) }
func (osFS) Rename(oldpath, newpath string) error     { return os.Rename(oldpath, newpath) }
func (osFS) Remove(name string) error                 { return os.Remove(name) }

func (osFS) CreateTemp(dir, pattern string) (tempFile, error) {
	return os.CreateTemp(dir, pattern)
}

// SyncDir flushes a directory's entries, such as a rename, to disk.
// Windows cannot sync a directory and needs no such step.
func (osFS) SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if closeErr := d.Close(); err == nil {
		err = closeErr
	}
	return err
}

// staged is a new file content written to a temporary file next to the
// file it will replace.
type staged struct {
	tmp    string // temporary file, complete and synced
	target string // file it replaces, symbolic links resolved
	rel    string // name to report
}

// writeFiles replaces the content of every file with its New bytes, all
// or nothing as far as the file system allows, through fsys (nil is the
// operating system's).
//
// Each new content is first written to a temporary file in the directory
// of its target, synced and given the target's mode. Only when every
// temporary file is complete are they renamed over their targets; rename
// within a directory is atomic, so a reader sees each file either old or
// new. On an error or when ctx is cancelled (an interrupt) before the
// renames, the temporary files are removed and nothing has changed. Once
// renaming has begun, it runs to the end.
//
// Before anything is written, every target is checked: its content must
// still be the Old bytes the rewrite was computed from, it and its
// directory must be writable, and a symbolic link must not lead out of
// the module the file is in. So a read-only file, or a link into another
// tree, fails the run with every file as it was.
func writeFiles(ctx context.Context, fsys fileSystem, dir string, files []rewrite.File) (err error) {
	if fsys == nil {
		fsys = osFS{}
	}
	var done []staged
	defer func() {
		if err != nil {
			for _, s := range done {
				fsys.Remove(s.tmp) // best effort: the error reported is err
			}
		}
	}()

	// Check every target before writing anything.
	var changed []rewrite.File
	targets := make(map[string]target)
	for _, f := range files {
		if bytes.Equal(f.Old, f.New) {
			continue // unchanged
		}
		t, err := checkTarget(fsys, f)
		if err != nil {
			return fmt.Errorf("write %s: %w; nothing changed", relPath(dir, f.Path), err)
		}
		changed = append(changed, f)
		targets[f.Path] = t
	}

	// Stage every file.
	for _, f := range changed {
		if ctx.Err() != nil {
			return errors.New("write files: interrupted; nothing changed")
		}
		s, err := stage(fsys, targets[f.Path], f)
		if err != nil {
			return fmt.Errorf("write %s: %w; nothing changed", relPath(dir, f.Path), err)
		}
		s.rel = relPath(dir, f.Path)
		done = append(done, s)
	}
	if ctx.Err() != nil {
		return errors.New("write files: interrupted; nothing changed")
	}

	// Replace the targets.
	for i, s := range done {
		if err := fsys.Rename(s.tmp, s.target); err != nil {
			var replaced []string
			for _, r := range done[:i] {
				replaced = append(replaced, r.rel)
			}
			done = done[i:] // the deferred cleanup removes the rest
			if len(replaced) == 0 {
				return fmt.Errorf("replace %s: %w; nothing changed", s.rel, err)
			}
			return fmt.Errorf("replace %s: %w; already replaced: %s", s.rel, err, strings.Join(replaced, ", "))
		}
	}

	// Make the renames durable.
	synced := make(map[string]bool)
	for _, s := range done {
		d := filepath.Dir(s.target)
		if synced[d] {
			continue // already synced
		}
		synced[d] = true
		if err := fsys.SyncDir(d); err != nil {
			done = nil // the files are in place; nothing to remove
			return fmt.Errorf("sync directory %s: %w", relPath(dir, d), err)
		}
	}
	return nil
}

// target is where a file's new content goes: the file itself or, for a
// symbolic link, the file it leads to, and the mode to give it.
type target struct {
	path string
	mode fs.FileMode
}

// checkTarget finds where f.New goes and checks that it may go there.
func checkTarget(fsys fileSystem, f rewrite.File) (target, error) {
	real, err := fsys.EvalSymlinks(f.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && len(f.Old) == 0:
		// A new file, such as the runtime: its directory must take it.
		if err := checkDirWritable(fsys, filepath.Dir(f.Path)); err != nil {
			return target{}, err
		}
		mode := f.Mode.Perm()
		if mode == 0 {
			mode = 0o644
		}
		return target{path: f.Path, mode: mode}, nil
	case err != nil:
		return target{}, err
	}

	// A link must not lead out of the module the file is in: the change
	// would land in another tree, perhaps another module or a file the
	// user shares with other checkouts.
	if real != f.Path {
		if root, ok := moduleRoot(fsys, filepath.Dir(f.Path)); ok {
			realRoot, err := fsys.EvalSymlinks(root)
			if err != nil {
				return target{}, err
			}
			if !within(realRoot, real) {
				return target{}, fmt.Errorf("it is a symbolic link to %s, outside the module at %s", real, root)
			}
		}
	}

	info, err := fsys.Stat(real)
	if err != nil {
		return target{}, err
	}
	if !info.Mode().IsRegular() {
		return target{}, fmt.Errorf("%s is not a regular file", real)
	}
	// Permission bits, not an attempt to open: the file is replaced by a
	// rename, which the file's own mode does not stop, and root may write
	// anything. A file marked read-only is not to be changed.
	if info.Mode().Perm()&0o200 == 0 {
		return target{}, fmt.Errorf("the file is read-only (mode %#o)", info.Mode().Perm())
	}
	if err := checkDirWritable(fsys, filepath.Dir(real)); err != nil {
		return target{}, err
	}
	current, err := fsys.ReadFile(real)
	if err != nil {
		return target{}, err
	}
	if !bytes.Equal(current, f.Old) {
		return target{}, errors.New("file changed since it was read")
	}
	return target{path: real, mode: info.Mode().Perm()}, nil
}

// checkDirWritable fails for a directory marked read-only, where a
// temporary file cannot be made or renamed.
func checkDirWritable(fsys fileSystem, dir string) error {
	info, err := fsys.Stat(dir)
	if err != nil {
		return err
	}
	if info.Mode().Perm()&0o200 == 0 {
		return fmt.Errorf("directory %s is read-only (mode %#o)", dir, info.Mode().Perm())
	}
	return nil
}

// moduleRoot returns the nearest directory at or above dir that holds a
// go.mod file.
func moduleRoot(fsys fileSystem, dir string) (string, bool) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := fsys.Lstat(filepath.Join(d, "go.mod")); err == nil {
			return d, true
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}

// within reports whether path is root or lies below it.
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// stage writes f.New to a synced temporary file beside t.path with mode
// t.mode.
func stage(fsys fileSystem, t target, f rewrite.File) (staged, error) {
	tmp, err := fsys.CreateTemp(filepath.Dir(t.path), "."+filepath.Base(t.path)+".migrate-*")
	if err != nil {
		return staged{}, err
	}
	_, err = tmp.Write(f.New)
	if err == nil {
		err = tmp.Sync()
	}
	if err == nil {
		err = tmp.Chmod(t.mode)
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		fsys.Remove(tmp.Name()) // best effort: err is what matters
		return staged{}, err
	}
	return staged{tmp: tmp.Name(), target: t.path}, nil
}
