package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/procmigrate/procmigrate/rewrite"
)

// staged is a new file content written to a temporary file next to the
// file it will replace.
type staged struct {
	tmp    string // temporary file, complete and synced
	target string // file it replaces, symbolic links resolved
	rel    string // name to report
}

// writeFiles replaces the content of every file with its New bytes, all
// or nothing as far as the file system allows.
//
// Each new content is first written to a temporary file in the directory
// of its target, synced and given the target's mode. Only when every
// temporary file is complete are they renamed over their targets; rename
// within a directory is atomic, so a reader sees each file either old or
// new. On an error or when ctx is cancelled (an interrupt) before the
// renames, the temporary files are removed and nothing has changed. Once
// renaming has begun, it runs to the end.
//
// A target whose content is no longer the Old bytes the rewrite was
// computed from is an error: it was edited meanwhile.
func writeFiles(ctx context.Context, dir string, files []rewrite.File) (err error) {
	var done []staged
	defer func() {
		if err != nil {
			for _, s := range done {
				os.Remove(s.tmp) // best effort: the error reported is err
			}
		}
	}()

	// Stage every file.
	for _, f := range files {
		if bytes.Equal(f.Old, f.New) {
			continue // unchanged
		}
		if ctx.Err() != nil {
			return errors.New("write files: interrupted; nothing changed")
		}
		s, err := stage(dir, f)
		if err != nil {
			return fmt.Errorf("write %s: %w; nothing changed", relPath(dir, f.Path), err)
		}
		done = append(done, s)
	}
	if ctx.Err() != nil {
		return errors.New("write files: interrupted; nothing changed")
	}

	// Replace the targets.
	for i, s := range done {
		if err := os.Rename(s.tmp, s.target); err != nil {
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
		if err := syncDir(d); err != nil {
			done = nil // the files are in place; nothing to remove
			return fmt.Errorf("sync directory %s: %w", relPath(dir, d), err)
		}
	}
	return nil
}

// stage writes f.New to a synced temporary file beside f.Path with the
// mode of f.Path.
func stage(dir string, f rewrite.File) (staged, error) {
	// Find the target and its mode, and check it is what was rewritten.
	target, err := filepath.EvalSymlinks(f.Path)
	mode := f.Mode.Perm()
	switch {
	case errors.Is(err, fs.ErrNotExist) && len(f.Old) == 0:
		target = f.Path // a new file
	case err != nil:
		return staged{}, err
	default:
		info, err := os.Stat(target)
		if err != nil {
			return staged{}, err
		}
		mode = info.Mode().Perm()
		current, err := os.ReadFile(target)
		if err != nil {
			return staged{}, err
		}
		if !bytes.Equal(current, f.Old) {
			return staged{}, errors.New("file changed since it was read")
		}
	}
	if mode == 0 {
		mode = 0o644
	}

	// Write the temporary file.
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".migrate-*")
	if err != nil {
		return staged{}, err
	}
	_, err = tmp.Write(f.New)
	if err == nil {
		err = tmp.Sync()
	}
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		os.Remove(tmp.Name()) // best effort: err is what matters
		return staged{}, err
	}
	return staged{tmp: tmp.Name(), target: target, rel: relPath(dir, f.Path)}, nil
}

// syncDir flushes a directory's entries, such as a rename, to disk. Windows
// cannot sync a directory and needs no such step.
func syncDir(dir string) error {
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
