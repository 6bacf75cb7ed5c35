package sharedvar

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// argWriters lists functions of the standard library that write the
// memory one of their arguments leads to, by package path, type and name,
// with the index of that argument.
var argWriters = map[string]int{
	"sort.Ints":                    0,
	"sort.Strings":                 0,
	"sort.Float64s":                0,
	"sort.Slice":                   0,
	"sort.SliceStable":             0,
	"slices.Sort":                  0,
	"slices.SortFunc":              0,
	"slices.SortStableFunc":        0,
	"slices.Reverse":               0,
	"maps.Copy":                    0,
	"maps.DeleteFunc":              0,
	"encoding/json.Unmarshal":      1,
	"encoding/xml.Unmarshal":       1,
	"encoding/json.Decoder.Decode": 0,
	"encoding/gob.Decoder.Decode":  0,
	"encoding/xml.Decoder.Decode":  0,
	"encoding/binary.Read":         2,
	"io.ReadFull":                  1,
}

// bufferReaders lists the methods of bytes.Buffer and strings.Builder
// that only read; the others write.
var bufferReaders = map[string]bool{
	"Buffer.Bytes": true, "Buffer.String": true, "Buffer.Len": true, "Buffer.Cap": true,
	"Buffer.Available": true, "Buffer.AvailableBuffer": true,
	"Builder.String": true, "Builder.Len": true, "Builder.Cap": true,
}

// knownCall walks a call of the standard library whose effect on memory
// is known beyond reading its operands, and reports whether c was one.
func (w *walker) knownCall(fn *types.Func, c *ast.CallExpr, recv recvArg) bool {
	if fn.Pkg() == nil {
		return false
	}
	path, typ := fn.Pkg().Path(), recvTypeName(fn)
	switch {
	case path == "os/exec" && typ == "Cmd":
		switch fn.Name() {
		case "Wait", "Run", "Output", "CombinedOutput":
		default:
			return false
		}
		if !recv.ok {
			return true
		}
		// Wait sets ProcessState, and until it returns the goroutines
		// that copy the command's output write the buffers it was given.
		note := "set by cmd." + fn.Name()
		w.add(recv.mem().child(".ProcessState"), true, false, c, note)
		for _, out := range w.a.cmdOutputs(recv.loc) {
			w.add(out, true, false, c, "written by the command's output until cmd."+fn.Name()+" returns")
		}
		return true
	case path == "bytes" && typ == "Buffer", path == "strings" && typ == "Builder":
		if recv.ok {
			w.add(recv.mem(), !bufferReaders[typ+"."+fn.Name()], false, c.Fun, "")
		}
		return true
	}
	key := path + "." + fn.Name()
	if typ != "" {
		key = path + "." + typ + "." + fn.Name()
	}
	i, ok := argWriters[key]
	if !ok {
		return false
	}
	if i < len(c.Args) {
		if l, ok := w.pointee(c.Args[i]); ok {
			w.add(l, true, false, c.Args[i], "written by "+funcName(fn, w.a.pkg))
		}
	}
	return true
}

// pointee returns the memory an argument leads to: x for &x, the elements
// of a slice, the contents of a map, what a pointer points to.
func (w *walker) pointee(e ast.Expr) (loc, bool) {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		return locOf(w.a.info, u.X)
	}
	l, ok := locOf(w.a.info, e)
	if !ok {
		return loc{}, false
	}
	switch w.a.info.TypeOf(e).Underlying().(type) {
	case *types.Slice:
		return l.child(deref).child(elem), true
	case *types.Map, *types.Pointer:
		return l.child(deref), true
	}
	return loc{}, false
}

// noReturn reports whether a call ends its goroutine or the program.
func (a *state) noReturn(c *ast.CallExpr) bool {
	if builtinName(a.info, c) == "panic" {
		return true
	}
	fn, _ := typeutil.Callee(a.info, c).(*types.Func)
	if fn == nil || fn.Pkg() == nil {
		return false
	}
	switch fn.Pkg().Path() + "." + fn.Name() {
	case "os.Exit", "log.Fatal", "log.Fatalf", "log.Fatalln", "log.Panic", "log.Panicf",
		"log.Panicln", "runtime.Goexit", "testing.Fatal", "testing.Fatalf", "testing.FailNow",
		"testing.Skip", "testing.Skipf", "testing.SkipNow":
		return true
	}
	return false
}
