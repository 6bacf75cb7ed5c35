package pipeipc

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// step is one thing a stream carries, seen from one end: values through
// a codec, lines, frames, or raw bytes.
type step struct {
	pos       token.Pos
	noun      string // "task values", "lines", `a "ready" handshake line`
	verbed    string // as the parent side says it: "encoded", "decoded", "read", "written"
	codec     string // "json.Encoder", "bufio.Scanner", ""
	read      bool   // the end reads it
	both      bool   // it goes both ways: the stream's direction says which
	handshake bool
}

// scanner is a bufio.Scanner built on a stream.
type scanner struct {
	ctor     *ast.CallExpr
	buffered bool         // Buffer sets its own limit
	split    string       // "" for lines, else the noun of its split function
	unmarsh  []types.Type // types its tokens are unmarshaled into with json.Unmarshal
}

// protocol is what a stream carries, in the order it is used.
type protocol struct {
	steps    []step
	scanners []*scanner
}

// describe returns what the stream whose flow is fl carries, from the
// calls made on every expression that holds it:
//
//	json.NewEncoder(in).Encode(t)       task values encoded with json.Encoder
//	sc := bufio.NewScanner(out)         lines read with bufio.Scanner, or
//	json.Unmarshal(sc.Bytes(), &r)      result values as JSON lines read with bufio.Scanner and json.Unmarshal
//	r.ReadString('\n')                  lines read with bufio.Reader.ReadString
//	fmt.Fprintln(in, job)               lines written with fmt.Fprintln
//	binary.Write(in, order, uint32(n))  length-prefixed frames written with encoding/binary
//	rpc.NewClient(conn{out, in})        net/rpc calls made with rpc.Client
//	b, _ := json.Marshal(v); in.Write(b) v values as JSON lines written with json.Marshal
//
// A line read and compared with a constant, before the rest, is a
// handshake: `a "ready" handshake line read with bufio.Scanner, then ...`.
// What none of these match is raw bytes.
func (c *checker) describe(fl *flow) *protocol {
	p := new(protocol)
	for _, e := range fl.exprs {
		switch parent := c.parent(e).(type) {
		case *ast.CallExpr:
			if i := argIndex(parent, c.outer(e)); i >= 0 {
				c.argStep(p, parent, i)
			}
		case *ast.SelectorExpr:
			if call, fn := c.methodCall(e); call != nil {
				c.methodStep(p, call, fn)
			}
		case *ast.KeyValueExpr, *ast.CompositeLit:
			c.rpcStep(p, e)
		}
	}
	return p
}

// outer returns e with the parentheses around it.
func (c *checker) outer(e ast.Expr) ast.Node {
	var n ast.Node = e
	for {
		paren, ok := c.parents[n].(*ast.ParenExpr)
		if !ok {
			return n
		}
		n = paren
	}
}

// argStep adds the step of a call that gets the stream as argument i.
func (c *checker) argStep(p *protocol, call *ast.CallExpr, i int) {
	fn := c.callee(call)
	if fn == nil || fn.Pkg() == nil {
		return
	}
	add := func(noun, verbed, codec string, read bool) {
		p.steps = append(p.steps, step{pos: call.Pos(), noun: noun, verbed: verbed, codec: codec, read: read})
	}
	path, name := fn.Pkg().Path(), fn.Name()
	switch {
	case fn.Pkg() == c.pass.Pkg || isWrapper(fn):
		// followed into the parameter or the wrapper
	case (path == "encoding/json" || path == "encoding/gob") && strings.HasPrefix(name, "New") && i == 0:
		c.codecStep(p, call, path[strings.Index(path, "/")+1:]+"."+strings.TrimPrefix(name, "New"))
	case isFunc(fn, "bufio", "NewScanner"):
		c.scannerSteps(p, call)
	case path == "fmt" && strings.HasPrefix(name, "Fscan") && i == 0:
		add(c.typesNoun(c.pointees(call.Args[1:])), "read", "fmt."+name, true)
	case path == "fmt" && strings.HasPrefix(name, "Fprint") && i == 0:
		c.printStep(p, call, name)
	case path == "encoding/binary" && (name == "Read" || name == "Write") && i == 0 && len(call.Args) == 3:
		noun, read := "length-prefixed frames", name == "Read"
		if t := typeOf(c.info, call.Args[2]); !isInteger(t) {
			noun = c.typesNoun([]types.Type{t})
		}
		add(noun, map[bool]string{true: "read", false: "written"}[read], "encoding/binary", read)
	case isFunc(fn, "io", "ReadFull") && i == 0 && c.decodesLength(call):
		add("length-prefixed frames", "read", "io.ReadFull and encoding/binary", true)
	case isFunc(fn, "encoding/json", "Unmarshal") && i == 0 && len(call.Args) == 2:
		add(c.typesNoun(c.pointees(call.Args[1:])), "decoded", "json.Unmarshal", true)
	case path == "net/rpc" || path == "net/rpc/jsonrpc":
		c.rpcCallStep(p, call, call.Args[i])
	default:
		read := path == "io" && (name == "ReadAll" || (name == "Copy" || name == "CopyN") && i == 1)
		add("raw bytes", "", "", read)
	}
}

// methodStep adds the step of a method called on the stream.
func (c *checker) methodStep(p *protocol, call *ast.CallExpr, fn *types.Func) {
	if fn == nil {
		return
	}
	add := func(noun, verbed, codec string, read bool) {
		p.steps = append(p.steps, step{pos: call.Pos(), noun: noun, verbed: verbed, codec: codec, read: read})
	}
	switch name := fn.Name(); {
	case isMethodOf(fn, "bufio", "Reader", "ReadString"), isMethodOf(fn, "bufio", "Reader", "ReadBytes"):
		noun := delimited(c.info, call.Args)
		if hs, ok := c.comparedConst(call, 1); ok {
			p.steps = append(p.steps, step{pos: call.Pos(), noun: handshake(hs), verbed: "read", codec: "bufio.Reader." + name, read: true, handshake: true})
			return
		}
		add(noun, "read", "bufio.Reader."+name, true)
	case isMethodOf(fn, "bufio", "Reader", "ReadLine"):
		add("lines", "read", "bufio.Reader.ReadLine", true)
	case isMethodOf(fn, "bytes", "Buffer", "Bytes"), isMethodOf(fn, "bytes", "Buffer", "String"):
		// The collected output: what decodes it is the protocol.
		if un, ok := c.parent(call).(*ast.CallExpr); ok && isFunc(c.callee(un), "encoding/json", "Unmarshal") && len(un.Args) == 2 && argIndex(un, c.outer(call)) == 0 {
			add(c.typesNoun(c.pointees(un.Args[1:])), "decoded", "json.Unmarshal", true)
			return
		}
		add("raw bytes", "", "", true)
	case name == "Write" && len(call.Args) == 1:
		if t, newline := c.marshaled(call.Args[0]); t != nil && newline {
			add(c.typesNoun([]types.Type{t})+" as JSON lines", "written", "json.Marshal", false)
			return
		} else if t != nil {
			add(c.typesNoun([]types.Type{t}), "encoded", "json.Marshal", false)
			return
		}
		add("raw bytes", "", "", false)
	case name == "Read" || name == "WriteString" || name == "ReadFrom" || name == "WriteTo":
		add("raw bytes", "", "", name == "Read" || name == "WriteTo")
	}
}

// delimited names the records ReadString or ReadBytes returns for the
// delimiter in args.
func delimited(info *types.Info, args []ast.Expr) string {
	if len(args) != 1 {
		return "records"
	}
	tv := info.Types[args[0]]
	if tv.Value == nil {
		return "records"
	}
	d, ok := constant.Int64Val(constant.ToInt(tv.Value))
	if !ok {
		return "records"
	}
	switch d {
	case '\n':
		return "lines"
	case 0:
		return "NUL-delimited records"
	default:
		return fmt.Sprintf("records ending in %q", rune(d))
	}
}

// handshake names a handshake line with its text.
func handshake(text string) string { return fmt.Sprintf("a %q handshake line", text) }

// printStep adds the step of fmt.Fprint, Fprintf or Fprintln to the
// stream. A lone constant line is a handshake candidate: it is one when
// something else follows on the stream.
func (c *checker) printStep(p *protocol, call *ast.CallExpr, name string) {
	s := step{pos: call.Pos(), noun: "lines", verbed: "written", codec: "fmt." + name}
	if name == "Fprintln" && len(call.Args) == 2 {
		if text, ok := constString(c.info, call.Args[1]); ok {
			s.noun, s.handshake = handshake(text), true
		}
	}
	if format, ok := constString(c.info, argAt(call.Args, 1)); name == "Fprint" || name == "Fprintf" && !(ok && strings.HasSuffix(format, "\n")) {
		s.noun = "text"
	}
	p.steps = append(p.steps, s)
}

// codecStep adds the step of a json or gob encoder or decoder built on
// the stream, with the types its Encode or Decode calls carry.
func (c *checker) codecStep(p *protocol, ctor *ast.CallExpr, kind string) {
	var (
		ts   []types.Type
		read = strings.HasSuffix(kind, "Decoder")
		name = strings.TrimSuffix(kind[strings.Index(kind, ".")+1:], "r") // Encoder => Encode
	)
	for _, e := range c.follow([]ast.Expr{ctor}).exprs {
		call, fn := c.methodCall(e)
		if call == nil || fn == nil || fn.Name() != name || len(call.Args) != 1 {
			continue
		}
		ts = addType(ts, pointee(c.info.TypeOf(call.Args[0])))
	}
	verbed := "encoded"
	if read {
		verbed = "decoded"
	}
	p.steps = append(p.steps, step{pos: ctor.Pos(), noun: c.typesNoun(ts), verbed: verbed, codec: kind, read: read})
}

// scannerSteps adds the steps of a bufio.Scanner built on the stream: its
// split function, what its tokens are unmarshaled into, and a handshake
// line compared with a constant.
func (c *checker) scannerSteps(p *protocol, ctor *ast.CallExpr) {
	sc := &scanner{ctor: ctor}
	var hs *step
	for _, e := range c.follow([]ast.Expr{ctor}).exprs {
		call, fn := c.methodCall(e)
		if call == nil || fn == nil || !isMethodOf(fn, "bufio", "Scanner", fn.Name()) {
			continue
		}
		switch fn.Name() {
		case "Buffer":
			sc.buffered = true
		case "Split":
			if len(call.Args) == 1 {
				sc.split = c.splitNoun(call.Args[0])
			}
		case "Text", "Bytes":
			if text, ok := c.comparedConst(call, 0); ok && hs == nil {
				hs = &step{pos: call.Pos(), noun: handshake(text), verbed: "read", codec: "bufio.Scanner", read: true, handshake: true}
			}
			if t := c.unmarshaledFrom(call); t != nil {
				sc.unmarsh = addType(sc.unmarsh, t)
			}
		}
	}
	p.scanners = append(p.scanners, sc)
	if hs != nil {
		p.steps = append(p.steps, *hs)
	}
	s := step{pos: ctor.Pos(), noun: "lines", verbed: "read", codec: "bufio.Scanner", read: true}
	if sc.split != "" {
		s.noun = sc.split
	}
	if len(sc.unmarsh) > 0 {
		s.noun = c.typesNoun(sc.unmarsh)
		if sc.split == "" {
			s.noun += " as JSON lines"
		}
		s.codec = "bufio.Scanner and json.Unmarshal"
	}
	p.steps = append(p.steps, s)
}

// splitNoun names the tokens of a split function: bufio.ScanLines gives
// "" (lines, the default), others a noun such as "NUL-delimited records".
func (c *checker) splitNoun(e ast.Expr) string {
	var body ast.Node
	name := types.ExprString(e)
	switch e := ast.Unparen(e).(type) {
	case *ast.FuncLit:
		body, name = e.Body, "a split function"
	default:
		fn, _ := c.objectOfFunc(e).(*types.Func)
		if fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "bufio" {
			switch fn.Name() {
			case "ScanLines":
				return ""
			case "ScanWords":
				return "words"
			case "ScanRunes":
				return "runes"
			case "ScanBytes":
				return "bytes"
			}
		}
		if d := c.decls[fn]; d != nil {
			body = d.Body
		}
	}
	switch {
	case body == nil:
	case c.callsScanLines(body):
		return "lines split by " + name
	case c.callsLength(body):
		return "length-prefixed frames"
	case c.searchesNUL(body):
		return "NUL-delimited records"
	}
	return "records split by " + name
}

// objectOfFunc returns the function e names, or nil.
func (c *checker) objectOfFunc(e ast.Expr) types.Object {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return c.info.Uses[e]
	case *ast.SelectorExpr:
		return c.info.Uses[e.Sel]
	}
	return nil
}

// callsScanLines reports whether body calls bufio.ScanLines: a split
// function that still splits lines, handling long ones its own way.
func (c *checker) callsScanLines(body ast.Node) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && isFunc(c.callee(call), "bufio", "ScanLines") {
			found = true
		}
		return !found
	})
	return found
}

// argAt returns args[i], or nil.
func argAt(args []ast.Expr, i int) ast.Expr {
	if i < len(args) {
		return args[i]
	}
	return nil
}

// searchesNUL reports whether body looks for a NUL byte: IndexByte(data, 0).
func (c *checker) searchesNUL(body ast.Node) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		if fn := c.callee(call); fn != nil && fn.Name() == "IndexByte" && len(call.Args) == 2 {
			if v, ok := c.info.Types[call.Args[1]]; ok && v.Value != nil && v.Value.ExactString() == "0" {
				found = true
			}
		}
		return true
	})
	return found
}

// callsLength reports whether body decodes a length with encoding/binary:
// binary.BigEndian.Uint32(b) and the like.
func (c *checker) callsLength(body ast.Node) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && !found {
			fn := c.callee(call)
			found = fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "encoding/binary" &&
				(strings.HasPrefix(fn.Name(), "Uint") || fn.Name() == "Uvarint" || fn.Name() == "Read")
		}
		return !found
	})
	return found
}

// decodesLength reports whether the function holding an io.ReadFull call
// decodes a length with encoding/binary: a length-prefixed frame.
func (c *checker) decodesLength(call *ast.CallExpr) bool {
	fd := c.enclosingFunc(call)
	return fd != nil && c.callsLength(fd.Body)
}

// comparedConst returns the constant string a line read by call is
// compared with, through strings.TrimSpace and the like and, when depth
// allows, through the variable the line is assigned to.
func (c *checker) comparedConst(call ast.Expr, depth int) (string, bool) {
	var e ast.Node = c.outer(call.(ast.Expr))
	for {
		switch p := c.parents[e].(type) {
		case *ast.ParenExpr:
			e = p
			continue
		case *ast.CallExpr:
			if fn := c.callee(p); fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "strings" && strings.HasPrefix(fn.Name(), "Trim") && argIndex(p, e) == 0 {
				e = p
				continue
			}
			if t := c.info.TypeOf(p.Fun); t != nil && argIndex(p, e) == 0 && len(p.Args) == 1 {
				if _, isConv := c.info.Types[p.Fun]; isConv && c.info.Types[p.Fun].IsType() {
					e = p // string(b)
					continue
				}
			}
		case *ast.BinaryExpr:
			if p.Op == token.EQL || p.Op == token.NEQ {
				other := p.X
				if other == e {
					other = p.Y
				}
				return constString(c.info, other)
			}
		case *ast.AssignStmt:
			if depth == 0 || len(p.Lhs) < 1 {
				return "", false
			}
			for i, r := range p.Rhs {
				if r == e && i < len(p.Lhs) || len(p.Rhs) == 1 && r == e {
					v := c.objectOf(p.Lhs[i])
					for _, ref := range c.refs[v] {
						if s, ok := c.comparedConst(ref, depth-1); ok {
							return s, true
						}
					}
				}
			}
		}
		return "", false
	}
}

// unmarshaledFrom returns the type a scanner token is unmarshaled into:
// json.Unmarshal(sc.Bytes(), &r) or json.Unmarshal([]byte(sc.Text()), &r).
func (c *checker) unmarshaledFrom(tok *ast.CallExpr) types.Type {
	var e ast.Node = c.outer(tok)
	p, ok := c.parents[e].(*ast.CallExpr)
	if ok && len(p.Args) == 1 && c.info.Types[p.Fun].IsType() {
		e = c.outer(p) // []byte(sc.Text())
		p, ok = c.parents[e].(*ast.CallExpr)
	}
	if !ok || !isFunc(c.callee(p), "encoding/json", "Unmarshal") || len(p.Args) != 2 || argIndex(p, e) != 0 {
		return nil
	}
	return pointee(c.info.TypeOf(p.Args[1]))
}

// marshaled returns the type of the value whose JSON encoding e is, and
// whether a newline follows it: b, with b, err := json.Marshal(v), or
// append(b, '\n').
func (c *checker) marshaled(e ast.Expr) (types.Type, bool) {
	if call, ok := ast.Unparen(e).(*ast.CallExpr); ok {
		if b, ok := c.info.Uses[funIdent(call.Fun)].(*types.Builtin); ok && b.Name() == "append" && len(call.Args) > 0 {
			t, _ := c.marshaled(call.Args[0])
			return t, true
		}
		if isFunc(c.callee(call), "encoding/json", "Marshal") && len(call.Args) == 1 {
			return c.info.TypeOf(call.Args[0]), false
		}
		return nil, false
	}
	v, ok := c.objectOf(e).(*types.Var)
	fd := c.enclosingFunc(e)
	if !ok || fd == nil {
		return nil, false
	}

	// The value assigned to v in the same function, and whether a
	// newline is appended to it there.
	var (
		t       types.Type
		newline bool
	)
	ast.Inspect(fd, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Rhs) != 1 || c.objectOf(as.Lhs[0]) != v {
			return true
		}
		call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
		if !ok {
			return true
		}
		if isFunc(c.callee(call), "encoding/json", "Marshal") && len(call.Args) == 1 && t == nil {
			t = c.info.TypeOf(call.Args[0])
		}
		if b, ok := c.info.Uses[funIdent(call.Fun)].(*types.Builtin); ok && b.Name() == "append" && len(call.Args) == 2 {
			if tv := c.info.Types[call.Args[1]]; tv.Value != nil && tv.Value.ExactString() == "10" {
				newline = true
			}
		}
		return true
	})
	return t, newline
}

// funIdent returns the identifier a call's function is, or nil.
func funIdent(fun ast.Expr) *ast.Ident {
	id, _ := ast.Unparen(fun).(*ast.Ident)
	return id
}

// rpcStep adds the step of a stream joined with another into the
// connection of a net/rpc client or server: an element of a struct
// literal that is handed, directly or through a variable, to rpc.NewClient,
// rpc.ServeConn, jsonrpc.NewClient and the like.
func (c *checker) rpcStep(p *protocol, e ast.Expr) {
	var n ast.Node = c.outer(e)
	if kv, ok := c.parents[n].(*ast.KeyValueExpr); ok {
		n = kv
	}
	lit, ok := c.parents[n].(*ast.CompositeLit)
	if !ok {
		return
	}
	var outer ast.Expr = lit
	if u, ok := c.parent(lit).(*ast.UnaryExpr); ok && u.Op == token.AND {
		outer = u
	}
	for _, x := range c.follow([]ast.Expr{outer}).exprs {
		if call, ok := c.parent(x).(*ast.CallExpr); ok && argIndex(call, c.outer(x)) >= 0 {
			c.rpcCallStep(p, call, x)
		}
	}
}

// rpcCallStep adds the step of a connection handed to a net/rpc client or
// server constructor.
func (c *checker) rpcCallStep(p *protocol, call *ast.CallExpr, conn ast.Expr) {
	fn := c.callee(call)
	if fn == nil || fn.Pkg() == nil {
		return
	}
	path, name := fn.Pkg().Path(), fn.Name()
	codec := ""
	switch {
	case path == "net/rpc" && name == "NewClient":
		codec = "rpc.Client"
	case path == "net/rpc" && (name == "ServeConn"):
		codec = "rpc.Server"
	case path == "net/rpc/jsonrpc" && (name == "NewClient" || name == "NewClientCodec"):
		codec = "jsonrpc client"
	case path == "net/rpc/jsonrpc" && (name == "ServeConn" || name == "NewServerCodec"):
		codec = "jsonrpc server"
	default:
		return
	}
	noun := "net/rpc calls"
	if methods := c.rpcMethods(call); len(methods) > 0 {
		noun += " to " + list(methods)
	}
	verbed := "made"
	if strings.HasSuffix(codec, "erver") {
		verbed = "served"
	}
	p.steps = append(p.steps, step{pos: call.Pos(), noun: noun, verbed: verbed, codec: codec, both: true})
}

// rpcMethods returns the constant method names the client a constructor
// call makes is called with: client.Call("Plugin.Greet", ...).
func (c *checker) rpcMethods(ctor *ast.CallExpr) []string {
	if p, ok := c.parent(ctor).(*ast.CallExpr); ok && isFunc(c.callee(p), "net/rpc", "NewClientWithCodec") {
		ctor = p // rpc.NewClientWithCodec(jsonrpc.NewClientCodec(conn))
	}
	var out []string
	seen := make(map[string]bool)
	for _, e := range c.follow([]ast.Expr{ctor}).exprs {
		call, fn := c.methodCall(e)
		if call == nil || !isMethodOf(fn, "net/rpc", "Client", "Call") && !isMethodOf(fn, "net/rpc", "Client", "Go") || len(call.Args) == 0 {
			continue
		}
		if m, ok := constString(c.info, call.Args[0]); ok && !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}

// text says what p carries, for the parent side: "task values encoded
// with json.Encoder", `a "ready" handshake line read with bufio.Scanner,
// then result values ...`, "raw bytes".
func (p *protocol) text() string {
	steps := p.ordered()
	parts := make([]string, len(steps))
	for i, s := range steps {
		parts[i] = s.noun
		if s.codec != "" {
			parts[i] += " " + s.verbed + " with " + s.codec
		}
	}
	return strings.Join(parts, ", then ")
}

// ordered returns the steps of p to tell: a handshake first, then the
// others in source order, each once; raw bytes only when nothing else is
// known. A handshake that nothing follows is just a line.
func (p *protocol) ordered() []step {
	var hs, rest []step
	seen := make(map[string]bool)
	raw := false
	for _, s := range p.steps {
		key := s.noun + "|" + s.codec
		if seen[key] {
			continue
		}
		seen[key] = true
		switch {
		case s.codec == "":
			raw = true
		case s.handshake:
			hs = append(hs, s)
		default:
			rest = append(rest, s)
		}
	}
	sort.SliceStable(rest, func(i, j int) bool { return rest[i].pos < rest[j].pos })
	if len(rest) == 0 {
		for i := range hs {
			hs[i].noun = "lines"
		}
		if len(hs) > 1 {
			hs = hs[:1]
		}
	}
	out := append(hs, rest...)
	if len(out) == 0 && raw {
		out = []step{{noun: "raw bytes"}}
	}
	if len(out) == 0 {
		out = []step{{noun: "raw bytes"}}
	}
	return out
}

// typesNoun names values of types ts as the package analysed writes
// them: "task values", "task and stop values", or just "values".
func (c *checker) typesNoun(ts []types.Type) string {
	if len(ts) == 0 {
		return "values"
	}
	return workers.TypeList(ts, c.pass.Pkg) + " values"
}

// pointees returns the types the pointer arguments point to.
func (c *checker) pointees(args []ast.Expr) []types.Type {
	var ts []types.Type
	for _, a := range args {
		ts = addType(ts, pointee(c.info.TypeOf(a)))
	}
	return ts
}

// pointee returns what t points to, or t.
func pointee(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	if ptr, ok := types.Unalias(t).(*types.Pointer); ok {
		return ptr.Elem()
	}
	return t
}

// addType appends t to ts unless ts holds an identical type, t is nil or
// it is untyped nil.
func addType(ts []types.Type, t types.Type) []types.Type {
	if t == nil {
		return ts
	}
	if b, ok := t.(*types.Basic); ok && (b.Kind() == types.UntypedNil || b.Kind() == types.Invalid) {
		return ts
	}
	for _, have := range ts {
		if types.Identical(have, t) {
			return ts
		}
	}
	return append(ts, t)
}

// isInteger reports whether t is an integer type.
func isInteger(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

// constString returns the value of e if it is a constant string.
func constString(info *types.Info, e ast.Expr) (string, bool) {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(tv.Value), true
}

// list joins names as an English list.
func list(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
