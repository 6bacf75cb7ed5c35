package main

import (
	"path/filepath"
	"testing"
)

func TestRelPosn(t *testing.T) {
	dir := filepath.FromSlash("/m/x")
	for _, tc := range []struct{ posn, want string }{
		{"/m/x/main.go:3:1", "main.go:3:1"},
		{"/m/x/sub/a.go:12", filepath.FromSlash("sub/a.go") + ":12"},
		{"/m/x/go.mod", "go.mod"},
		{"/m/y/main.go:1:2", filepath.FromSlash("/m/y/main.go") + ":1:2"},
		{"/m/x/../x2/a.go:1:1", filepath.FromSlash("/m/x2/a.go") + ":1:1"},
		{"./main.go:4:14", "main.go:4:14"},
	} {
		if got := relPosn(dir, filepath.FromSlash(tc.posn)); got != tc.want {
			t.Errorf("relPosn(%q) = %q, want %q", tc.posn, got, tc.want)
		}
	}
}

func TestCompilerError(t *testing.T) {
	dir := filepath.FromSlash("/m/x")
	for _, tc := range []struct{ msg, want string }{
		{"# example.com/x\n./main.go:4:14: cannot use x\n./main.go:5:1: more\n", "main.go:4:14: cannot use x"},
		{"# example.com/x/sub\nsub/sub.go:3:13: bad", filepath.FromSlash("sub/sub.go") + ":3:13: bad"},
		{"no Go files in /m/x\n", "no Go files in /m/x"},
		{"# example.com/x\n", "# example.com/x"},
	} {
		if got := compilerError(dir, tc.msg); got != tc.want {
			t.Errorf("compilerError(%q) = %q, want %q", tc.msg, got, tc.want)
		}
	}
}

func TestPatternDir(t *testing.T) {
	for _, tc := range []struct {
		pattern, want string
		ok            bool
	}{
		{"./...", ".", true},
		{".", ".", true},
		{"./cmd/...", "./cmd", true},
		{"../other", "../other", true},
		{"/abs/dir/...", "/abs/dir", true},
		{"./cmd/mig...", "", false},
		{"example.com/x/...", "", false},
		{"fmt", "", false},
	} {
		got, ok := patternDir(tc.pattern)
		if got != tc.want || ok != tc.ok {
			t.Errorf("patternDir(%q) = %q, %v; want %q, %v", tc.pattern, got, ok, tc.want, tc.ok)
		}
	}
}
