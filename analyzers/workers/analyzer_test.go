package workers

import (
	"go/types"
	"testing"
)

func TestNames(t *testing.T) {
	_, _, pkg := load(t, "main.go", `package main

import "io"

type server struct{}
type task struct{}
type result struct{}

func (*server) serve() {}
func (server) value()  {}
func run()             {}
var _ io.Reader
`)
	var (
		scope  = pkg.Scope()
		server = scope.Lookup("server").Type().(*types.Named)
		task   = scope.Lookup("task").Type()
		result = scope.Lookup("result").Type()
		reader = pkg.Imports()[0].Scope().Lookup("Reader").Type()
	)
	funcs := []struct {
		fn   *types.Func
		want string
	}{
		{server.Method(0), "(*server).serve"},
		{server.Method(1), "server.value"},
		{scope.Lookup("run").(*types.Func), "run"},
		{pkg.Imports()[0].Scope().Lookup("Copy").(*types.Func), "io.Copy"},
	}
	for _, tt := range funcs {
		if got := FuncString(tt.fn, pkg); got != tt.want {
			t.Errorf("FuncString(%v) = %q, want %q", tt.fn, got, tt.want)
		}
	}
	lists := []struct {
		ts   []types.Type
		want string
	}{
		{nil, ""},
		{[]types.Type{task}, "task"},
		{[]types.Type{task, result}, "task and result"},
		{[]types.Type{task, types.NewPointer(result), reader}, "task, *result and io.Reader"},
	}
	for _, tt := range lists {
		if got := TypeList(tt.ts, pkg); got != tt.want {
			t.Errorf("TypeList(%v) = %q, want %q", tt.ts, got, tt.want)
		}
	}
}
