package lsp

import (
	"context"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestFaithful checks when the packages loaded from the disk, with the
// unsaved texts parsed in place, are taken for what an overlay gives.
func TestFaithful(t *testing.T) {
	t.Parallel()
	const (
		lib  = "package lib\n\nfunc F() {}\n"
		main = "package p\n\nimport \"example.com/m/lib\"\n\nfunc a() { lib.F() }\n"
	)
	tests := []struct {
		name    string
		file    string // relative to the module
		unsaved string
		want    bool
	}{
		{"saved", "p/a.go", main, true},
		{"body changed", "p/a.go", "package p\n\nimport \"example.com/m/lib\"\n\nfunc a() { lib.F(); lib.F() }\n", true},
		{"import dropped", "p/a.go", "package p\n\nfunc a() {}\n", true},
		{"import added", "p/a.go", main + "\nimport \"unicode/utf8\"\n\nvar _ = utf8.RuneLen\n", false},
		{"constraint added", "p/a.go", "//go:build ignore\n\n" + main, false},
		{"new file", "p/b.go", "package p\n\nfunc b() {}\n", false},
		{"type error", "p/a.go", "package p\n\nfunc a() { missing() }\n", false},
		{"dependency changed", "lib/lib.go", lib + "\nfunc G() {}\n", false},
		{"test file changed", "p/a_test.go", "package p\n\nfunc c() { a(); a() }\n", true},
	}
	root := writeModule(t, map[string]string{
		"lib/lib.go":  lib,
		"p/a.go":      main,
		"p/a_test.go": "package p\n\nfunc c() { a() }\n",
	})
	dir := filepath.Join(root, "p")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(context.Background(), Options{}, nil)
			path := filepath.Join(root, tt.file)
			s.docs[path] = &document{version: 1, text: []byte(tt.unsaved)}
			snap := s.snapshot()

			pkgs, err := packages.Load(s.config(context.Background(), dir, snap), ".")
			if err != nil {
				t.Fatal(err)
			}
			if got := s.faithful(dir, pkgs, snap); got != tt.want {
				t.Errorf("faithful = %v, want %v", got, tt.want)
			}
		})
	}
}
