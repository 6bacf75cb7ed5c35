package main

import (
	"path/filepath"
	"strconv"
	"strings"
)

// relPath returns path relative to dir when it lies inside dir, and path
// unchanged otherwise. dir is tried as given and with symbolic links
// resolved, since the go command may report either.
func relPath(dir, path string) string {
	if !filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	dirs := []string{dir}
	if real, err := filepath.EvalSymlinks(dir); err == nil && real != dir {
		dirs = append(dirs, real)
	}
	for _, d := range dirs {
		rel, err := filepath.Rel(d, path)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue // outside d
		}
		return rel
	}
	return filepath.Clean(path)
}

// relPosn rewrites the file name of a "file:line:col" or "file:line"
// position relative to dir.
func relPosn(dir, posn string) string {
	file, suffix := posn, ""
	for range 2 {
		i := strings.LastIndexByte(file, ':')
		if i < 0 {
			break
		}
		if _, err := strconv.Atoi(file[i+1:]); err != nil {
			break // not a line or column number
		}
		file, suffix = file[:i], file[i:]+suffix
	}
	return relPath(dir, file) + suffix
}
