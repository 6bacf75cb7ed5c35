package rewrite

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// typedStream is one direction of the protocol that can carry its message
// type as it is:
//
//	enc := json.NewEncoder(stdin)   =>  enc := newInprocEncoder[task](stdin)
//	dec := json.NewDecoder(in)      =>  dec := newInprocDecoder[task](in)
//
// The new encoder and decoder keep the methods the program calls, Encode(v)
// and Decode(&v), and their errors: Decode returns io.EOF once the sender
// closed its end. Between two in-process ends they hand the value over with
// no encoding; anywhere else, as when the binary still runs as a child,
// they speak the same JSON as before.
type typedStream struct {
	stream string // "stdin" or "stdout"
	typ    *types.Named
	codecs []*workers.Codec // the parent's and the worker's
}

// planTyped checks both directions of a worker's protocol and returns them
// when each carries one plain-data type through one JSON encoder and
// decoder pair; otherwise it says what keeps the site at in-process pipes.
func planTyped(x *pkgIndex, s *workers.Spawn, d *workers.Dispatch) ([]*typedStream, string) {
	var out []*typedStream
	for _, dir := range []struct {
		stream, parentKind, workerKind string
	}{
		{"stdin", "json.Encoder", "json.Decoder"},
		{"stdout", "json.Decoder", "json.Encoder"},
	} {
		var pipe *workers.Pipe
		for _, p := range s.Pipes {
			if p.Stream == dir.stream {
				pipe = p
			}
		}
		var end *workers.Endpoint
		for _, e := range d.Endpoints {
			if e.Stream == dir.stream {
				end = e
			}
		}
		if why := notPiped(d, dir.stream, pipe, end); why != "" {
			return nil, why
		}
		if pipe.Codec == nil || end.Codec == nil {
			return nil, fmt.Sprintf("%s is not read and written through one encoder and decoder pair", dir.stream)
		}
		if pipe.Codec.Kind != dir.parentKind || end.Codec.Kind != dir.workerKind {
			return nil, fmt.Sprintf("%s is carried by %s and %s; only %s and %s pairs become typed channels",
				dir.stream, pipe.Codec.Kind, end.Codec.Kind, dir.parentKind, dir.workerKind)
		}
		for _, c := range []*workers.Codec{pipe.Codec, end.Codec} {
			if x.isGenerated(c.Ctor) {
				return nil, fmt.Sprintf("the %s on %s is in the generated file %s, which the rewrite does not change",
					c.Kind, dir.stream, filepath.Base(x.fset.Position(c.Ctor.Pos()).Filename))
			}
		}
		if why := checkStreamUses(x, dir.stream, pipe.Uses, pipe.Codec, true); why != "" {
			return nil, why
		}
		if why := checkStreamUses(x, dir.stream, end.Uses, end.Codec, false); why != "" {
			return nil, why
		}
		named, why := messageType(pipe.Codec, end.Codec)
		if why != "" {
			return nil, fmt.Sprintf("%s %s", dir.stream, why)
		}
		if !canWriteType(named, x.pkg.Types) {
			return nil, fmt.Sprintf("%s carries %s, which cannot be named where the codecs are", dir.stream, named.Obj().Name())
		}
		if why := plainData(named, nil); why != "" {
			return nil, fmt.Sprintf("%s carries %s, %s", dir.stream, named.Obj().Name(), why)
		}
		for _, c := range []*workers.Codec{pipe.Codec, end.Codec} {
			if why := checkCodecCalls(x, c, named); why != "" {
				return nil, why
			}
		}
		out = append(out, &typedStream{stream: dir.stream, typ: named, codecs: []*workers.Codec{pipe.Codec, end.Codec}})
	}
	return out, ""
}

// notPiped says which end of the stream is not a pipe the codecs can be
// found on, "" when both are: the parent's must come from the pipe method
// (cmd.StdinPipe()), the worker's must be a parameter of its serving
// function that receives os.Stdin (or os.Stdout).
func notPiped(d *workers.Dispatch, stream string, pipe *workers.Pipe, end *workers.Endpoint) string {
	method := map[string]string{"stdin": "StdinPipe", "stdout": "StdoutPipe"}[stream]
	if pipe == nil {
		return fmt.Sprintf("the parent does not call %s for the worker's %s", method, stream)
	}
	if end != nil {
		return ""
	}
	osVar := "os." + strings.ToUpper(stream[:1]) + stream[1:]
	for _, dr := range d.Direct {
		if dr.Stream == stream {
			return fmt.Sprintf("the worker uses %s itself rather than receiving it as a parameter of its serving function", osVar)
		}
	}
	if d.Serve == nil {
		return fmt.Sprintf("the worker's branch passes %s to no function of the package", osVar)
	}
	return fmt.Sprintf("the worker's serving function %s does not receive %s as a parameter", d.Serve.Name(), osVar)
}

// checkStreamUses checks that a stream is used only to build its codec and,
// in the parent, to close it: the codec is then all that touches it.
func checkStreamUses(x *pkgIndex, stream string, uses []*ast.Ident, c *workers.Codec, parent bool) string {
	for _, id := range uses {
		if len(c.Ctor.Args) == 1 && c.Ctor.Args[0] == ast.Expr(id) {
			continue
		}
		if sel, ok := x.parent[id].(*ast.SelectorExpr); ok && parent && sel.Sel.Name == "Close" {
			if _, ok := x.parent[sel].(*ast.CallExpr); ok {
				continue
			}
		}
		return fmt.Sprintf("%s is used at %s other than through its %s", stream, x.pos(id.Pos()), c.Kind)
	}
	if c.Var == nil {
		return fmt.Sprintf("the %s on %s is not held in a variable", c.Kind, stream)
	}
	for _, id := range c.Other {
		if sel, ok := x.parent[id].(*ast.SelectorExpr); ok && sel.X == ast.Expr(id) {
			if _, isCall := x.parent[sel].(*ast.CallExpr); isCall {
				return fmt.Sprintf("the %s on %s is used at %s by calling %s, which the typed %s does not have",
					c.Kind, stream, x.pos(id.Pos()), sel.Sel.Name, strings.ToLower(strings.TrimPrefix(c.Kind, "json.")))
			}
		}
		return fmt.Sprintf("the %s on %s is used at %s other than by calling its methods", c.Kind, stream, x.pos(id.Pos()))
	}
	return ""
}

// messageType returns the one named type both codecs carry.
func messageType(a, b *workers.Codec) (*types.Named, string) {
	if len(a.Types) != 1 || len(b.Types) != 1 {
		return nil, "carries more than one message type"
	}
	if !types.Identical(a.Types[0], b.Types[0]) {
		return nil, fmt.Sprintf("carries %s one way and %s the other", a.Types[0], b.Types[0])
	}
	named, ok := types.Unalias(a.Types[0]).(*types.Named)
	if !ok {
		return nil, fmt.Sprintf("carries the unnamed type %s", a.Types[0])
	}
	return named, ""
}

// checkCodecCalls checks each Encode and Decode call: Encode is given a T or
// the address of one, and Decode the address of a T that holds nothing from
// an earlier message, unless every field of T is always encoded. JSON
// decoding into a used value keeps the fields a message leaves out; handing
// the value over replaces them all.
func checkCodecCalls(x *pkgIndex, c *workers.Codec, t *types.Named) string {
	omits := hasOmitEmpty(t)
	for _, call := range c.Calls {
		if len(call.Args) != 1 {
			return fmt.Sprintf("%s call at %s does not take one argument", c.Kind, x.pos(call.Pos()))
		}
		arg := ast.Unparen(call.Args[0])
		argType := x.info.TypeOf(arg)
		if strings.HasSuffix(c.Kind, "Encoder") {
			if types.Identical(argType, t) {
				continue
			}
			if u, ok := arg.(*ast.UnaryExpr); ok && u.Op == token.AND {
				continue
			}
			return fmt.Sprintf("Encode at %s is given %s, not a %s value or its address", x.pos(call.Pos()), argType, t.Obj().Name())
		}
		u, ok := arg.(*ast.UnaryExpr)
		if !ok || u.Op != token.AND {
			return fmt.Sprintf("Decode at %s is not given the address of a %s variable", x.pos(call.Pos()), t.Obj().Name())
		}
		if omits && (!freshAt(x, u.X, call) || decodesInto(x, c, u.X) > 1) {
			return fmt.Sprintf("Decode at %s may decode into a value that holds an earlier message, and %s has omitempty fields", x.pos(call.Pos()), t.Obj().Name())
		}
	}
	return ""
}

// decodesInto counts the Decode calls of c whose argument is &e.
func decodesInto(x *pkgIndex, c *workers.Codec, e ast.Expr) int {
	id, ok := e.(*ast.Ident)
	if !ok {
		return 0
	}
	n := 0
	for _, call := range c.Calls {
		if u, ok := ast.Unparen(call.Args[0]).(*ast.UnaryExpr); ok && u.Op == token.AND {
			if other, ok := u.X.(*ast.Ident); ok && x.info.Uses[other] == x.info.Uses[id] {
				n++
			}
		}
	}
	return n
}

// freshAt reports whether e is a local variable declared with no value in a
// block that encloses call with no loop in between, so it is zero each time
// call decodes into it.
func freshAt(x *pkgIndex, e ast.Expr, call *ast.CallExpr) bool {
	id, ok := e.(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := x.info.Uses[id].(*types.Var)
	if !ok {
		return false
	}
	var decl ast.Node
	for def, obj := range x.info.Defs {
		if obj == v {
			decl = def
		}
	}
	if decl == nil {
		return false
	}
	spec, ok := x.parent[decl].(*ast.ValueSpec)
	if !ok || len(spec.Values) > 0 {
		return false
	}
	block := x.parent[x.parent[x.parent[spec]]] // ValueSpec, GenDecl, DeclStmt, block
	for n := x.parent[ast.Node(call)]; n != nil; n = x.parent[n] {
		if n == block {
			return true
		}
		switch n.(type) {
		case *ast.ForStmt, *ast.RangeStmt, *ast.FuncLit:
			return false
		}
	}
	return false
}

// plainData returns why values of t would not survive being handed over
// unchanged where JSON used to copy them, or "" when they would: t is made
// of booleans, numbers, strings, arrays and structs of those, every field
// exported and encoded, and no type customizes its encoding.
//
// TODO(procmigrate): JSON turns invalid UTF-8 in strings into U+FFFD and
// refuses NaN and infinite floats; handing values over keeps them as they
// are. Programs that depend on either are not detected.
func plainData(t types.Type, seen map[types.Type]bool) string {
	if seen == nil {
		seen = map[types.Type]bool{}
	}
	if seen[t] {
		return ""
	}
	seen[t] = true
	if named, ok := types.Unalias(t).(*types.Named); ok {
		for _, m := range []string{"MarshalJSON", "UnmarshalJSON", "MarshalText", "UnmarshalText"} {
			if obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(named), true, named.Obj().Pkg(), m); obj != nil {
				return fmt.Sprintf("whose type %s has its own %s", named.Obj().Name(), m)
			}
		}
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		if u.Info()&(types.IsBoolean|types.IsInteger|types.IsFloat|types.IsString) == 0 {
			return fmt.Sprintf("which has a field of type %s", t)
		}
		return ""
	case *types.Array:
		return plainData(u.Elem(), seen)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i)
			if f.Embedded() {
				// JSON flattens embedded fields and drops names that
				// collide; handing the value over keeps them all.
				return fmt.Sprintf("whose embedded field %s JSON flattens into its own", f.Name())
			}
			if !f.Exported() {
				return fmt.Sprintf("whose field %s is unexported and so not encoded", f.Name())
			}
			if tag, _ := reflect.StructTag(u.Tag(i)).Lookup("json"); tag == "-" {
				return fmt.Sprintf("whose field %s is never encoded", f.Name())
			}
			if why := plainData(f.Type(), seen); why != "" {
				return why
			}
		}
		return ""
	}
	return fmt.Sprintf("which holds %s, shared rather than copied when handed over", t)
}

// hasOmitEmpty reports whether t or a struct inside it has a field that
// JSON may leave out of a message.
func hasOmitEmpty(t types.Type) bool {
	return holdsByValue(t, func(_ types.Type, tag string) bool {
		json, _ := reflect.StructTag(tag).Lookup("json")
		return strings.Contains(json, ",omitempty") || strings.Contains(json, ",omitzero")
	})
}

// holdsByValue reports whether match holds for t or for a type that t holds
// by value, through the fields of its structs and the elements of its
// arrays; match is given the struct tag of the field each type was reached
// through.
func holdsByValue(t types.Type, match func(t types.Type, tag string) bool) bool {
	seen := map[types.Type]bool{}
	var walk func(t types.Type, tag string) bool
	walk = func(t types.Type, tag string) bool {
		if match(t, tag) {
			return true
		}
		if seen[t] {
			return false
		}
		seen[t] = true
		switch u := t.Underlying().(type) {
		case *types.Struct:
			for i := 0; i < u.NumFields(); i++ {
				if walk(u.Field(i).Type(), u.Tag(i)) {
					return true
				}
			}
		case *types.Array:
			return walk(u.Elem(), tag)
		}
		return false
	}
	return walk(t, "")
}
