package workers

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// stdImporter type-checks the standard library from source once for all
// tests; the source importer caches what it loaded.
var stdImporter = sync.OnceValues(func() (*token.FileSet, types.Importer) {
	fset := token.NewFileSet()
	return fset, importer.ForCompiler(fset, "source", nil)
})

// load parses and type-checks the files of one package, given as name and
// source pairs.
func load(t *testing.T, files ...string) ([]*ast.File, *types.Info, *types.Package) {
	t.Helper()
	fset, imp := stdImporter()
	var parsed []*ast.File
	for i := 0; i < len(files); i += 2 {
		f, err := parser.ParseFile(fset, files[i], files[i+1], parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parse %s: %v", files[i], err)
		}
		parsed = append(parsed, f)
	}
	info := &types.Info{
		Types:      make(map[ast.Expr]types.TypeAndValue),
		Defs:       make(map[*ast.Ident]types.Object),
		Uses:       make(map[*ast.Ident]types.Object),
		Selections: make(map[*ast.SelectorExpr]*types.Selection),
		Implicits:  make(map[ast.Node]types.Object),
	}
	conf := types.Config{Importer: imp}
	pkg, err := conf.Check("example.com/p", fset, parsed, info)
	if err != nil {
		t.Fatalf("type-check: %v", err)
	}
	return parsed, info, pkg
}

// describe renders a model as stable text, one construct a line.
func describe(m *Model, pkg *types.Package) string {
	var b strings.Builder
	for _, s := range m.Spawns {
		fmt.Fprintf(&b, "spawn %s self=%s role=%q", funcName(s.Call.Fun), s.Self, s.Role)
		fmt.Fprintf(&b, " ctx=%v args=%d ellipsis=%v", s.Ctx != nil, len(s.Args), s.Ellipsis)
		if s.Func != nil {
			fmt.Fprintf(&b, " in=%s", s.Func.Name.Name)
		}
		if s.Cmd != nil {
			fmt.Fprintf(&b, " cmd=%s", s.Cmd.Name())
		}
		if s.Dispatch != nil {
			fmt.Fprintf(&b, " dispatch=%s:%q", s.Dispatch.Func.Name.Name, s.Dispatch.Role)
		}
		b.WriteString("\n")
		for _, p := range s.Pipes {
			fmt.Fprintf(&b, "  pipe %s var=%s uses=%d%s\n",
				p.Stream, varName(p.Var), len(p.Uses), describeCodec(p.Codec, pkg))
		}
	}
	for _, d := range m.Dispatches {
		kind := "case"
		if _, ok := d.Node.(*ast.IfStmt); ok {
			kind = "if"
		}
		fmt.Fprintf(&b, "dispatch %q arg=%d %s in=%s body=%d",
			d.Role, d.Arg, kind, d.Func.Name.Name, len(d.Body))
		if d.Serve != nil {
			fmt.Fprintf(&b, " serve=%s", d.Serve.Name())
		}
		b.WriteString("\n")
		for _, e := range d.Endpoints {
			fmt.Fprintf(&b, "  endpoint %s arg=%d param=%s uses=%d%s\n",
				e.Stream, e.Arg, varName(e.Param), len(e.Uses), describeCodec(e.Codec, pkg))
		}
		for _, dr := range d.Direct {
			fmt.Fprintf(&b, "  direct %s uses=%d%s\n", dr.Stream, len(dr.Uses), describeCodec(dr.Codec, pkg))
		}
	}
	return b.String()
}

func describeCodec(c *Codec, pkg *types.Package) string {
	if c == nil {
		return ""
	}
	var ts []string
	for _, t := range c.Types {
		ts = append(ts, types.TypeString(t, types.RelativeTo(pkg)))
	}
	return fmt.Sprintf(" codec=%s var=%s calls=%d types=[%s] other=%d",
		c.Kind, varName(c.Var), len(c.Calls), strings.Join(ts, " "), len(c.Other))
}

func varName(v *types.Var) string {
	if v == nil {
		return "-"
	}
	return v.Name()
}

func funcName(fun ast.Expr) string {
	if sel, ok := fun.(*ast.SelectorExpr); ok {
		return sel.Sel.Name
	}
	return fun.(*ast.Ident).Name
}

func TestFind(t *testing.T) {
	for _, tt := range findTests {
		t.Run(tt.name, func(t *testing.T) {
			files, info, pkg := load(t, "main.go", tt.src)
			got := describe(Find(files, info, pkg), pkg)
			want := strings.TrimLeft(tt.want, "\n")
			if got != want {
				t.Errorf("Find:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestFindTestFile checks the helper-process idiom is left out where it
// lives, in a _test.go file beside a real worker.
func TestFindTestFile(t *testing.T) {
	files, info, pkg := load(t,
		"main.go", `package main

import ("os"; "os/exec")

func main() { exec.Command(os.Args[0], "agent").Run() }
`,
		"main_test.go", `package main

import ("os"; "os/exec"; "testing")

func TestSpawn(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=TestHelperProcess", "--", "agent")
	cmd.Env = append(os.Environ(), "GO_WANT_HELPER_PROCESS=1")
	cmd.Run()
}
`)
	got := describe(Find(files, info, pkg), pkg)
	want := `spawn Command self=os.Args[0] role="agent" ctx=false args=1 ellipsis=false in=main
`
	if got != want {
		t.Errorf("Find:\n%s\nwant:\n%s", got, want)
	}
}

// TestFindPrefersMain checks a spawn links to the dispatch in main when a
// TestMain dispatches the same role, whatever the order of the files.
func TestFindPrefersMain(t *testing.T) {
	files, info, pkg := load(t,
		"a_test.go", `package main

import ("os"; "testing")

func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "agent" {
		testServe()
	}
	os.Exit(m.Run())
}

func testServe() {}
`,
		"main.go", `package main

import ("os"; "os/exec")

func main() {
	if len(os.Args) > 1 && os.Args[1] == "agent" {
		serve()
		return
	}
	exec.Command(os.Args[0], "agent").Run()
}

func serve() {}
`)
	m := Find(files, info, pkg)
	if len(m.Spawns) != 1 || m.Spawns[0].Dispatch == nil {
		t.Fatalf("Find: want one linked spawn, got\n%s", describe(m, pkg))
	}
	if d := m.Spawns[0].Dispatch; d.Func.Name.Name != "main" || d.Serve.Name() != "serve" {
		t.Errorf("spawn linked to dispatch in %s served by %s, want main and serve",
			d.Func.Name.Name, d.Serve.Name())
	}
}

// TestFindUses checks the identifiers a pipe and an endpoint list.
func TestFindUses(t *testing.T) {
	files, info, pkg := load(t, "main.go", swarmSrc)
	m := Find(files, info, pkg)
	var got []string
	for _, p := range m.Spawns[0].Pipes {
		for _, id := range p.Uses {
			got = append(got, p.Stream+":"+id.Name)
		}
	}
	for _, e := range m.Dispatches[0].Endpoints {
		for _, id := range e.Uses {
			got = append(got, "endpoint-"+e.Stream+":"+id.Name)
		}
		for _, id := range e.Codec.Other {
			got = append(got, "other:"+id.Name)
		}
	}
	sort.Strings(got)
	want := "endpoint-stdin:r endpoint-stdout:w stdin:in stdin:in stdout:out"
	if strings.Join(got, " ") != want {
		t.Errorf("uses = %s, want %s", strings.Join(got, " "), want)
	}
}

const swarmSrc = `package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
)

type task struct{ N int }
type result struct{ Sum int }

func main() {
	if len(os.Args) > 1 && os.Args[1] == "agent" {
		if err := serveAgent(os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		return
	}
	run(context.Background())
}

func run(ctx context.Context) error {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	cmd := exec.CommandContext(ctx, exe, "agent")
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	enc := json.NewEncoder(in)
	dec := json.NewDecoder(out)
	if err := cmd.Start(); err != nil {
		return err
	}
	enc.Encode(task{1})
	enc.Encode(&task{2})
	in.Close()
	var r result
	dec.Decode(&r)
	return cmd.Wait()
}

func serveAgent(r io.Reader, w io.Writer) error {
	dec := json.NewDecoder(r)
	enc := json.NewEncoder(w)
	for {
		var t task
		if err := dec.Decode(&t); err != nil {
			return nil
		}
		enc.Encode(result{t.N})
	}
}
`

var findTests = []struct {
	name, src, want string
}{
	{
		name: "swarm",
		src:  swarmSrc,
		want: `
spawn CommandContext self=os.Executable() role="agent" ctx=true args=1 ellipsis=false in=run cmd=cmd dispatch=main:"agent"
  pipe stdin var=in uses=2 codec=json.Encoder var=enc calls=2 types=[task] other=0
  pipe stdout var=out uses=1 codec=json.Decoder var=dec calls=1 types=[result] other=0
dispatch "agent" arg=1 if in=main body=2 serve=serveAgent
  endpoint stdin arg=0 param=r uses=1 codec=json.Decoder var=dec calls=1 types=[task] other=0
  endpoint stdout arg=1 param=w uses=1 codec=json.Encoder var=enc calls=1 types=[result] other=0
`,
	},
	{
		name: "args0 and switch",
		src: `package main

import ("os"; "os/exec")

func main() {
	switch os.Args[1] {
	case "a", "b":
		work()
	case "c":
	default:
		exec.Command(os.Args[0], "a").Run()
		exec.Command(os.Args[0], "c", "x").Run()
	}
}

func work() {}
`,
		want: `
spawn Command self=os.Args[0] role="a" ctx=false args=1 ellipsis=false in=main dispatch=main:"a"
spawn Command self=os.Args[0] role="c" ctx=false args=2 ellipsis=false in=main dispatch=main:"c"
dispatch "a" arg=1 case in=main body=1 serve=work
dispatch "b" arg=1 case in=main body=1 serve=work
dispatch "c" arg=1 case in=main body=0
`,
	},
	{
		name: "serving call handed the streams",
		src: `package main

import ("io"; "os")

func main() {
	if os.Args[1] == "w" {
		cfg := loadConfig()
		if err := serve(cfg, os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		return
	}
}

func loadConfig() string { return "" }

func serve(cfg string, r io.Reader, w io.Writer) error { return nil }
`,
		want: `
dispatch "w" arg=1 if in=main body=3 serve=serve
  endpoint stdin arg=1 param=r uses=0
  endpoint stdout arg=2 param=w uses=0
`,
	},
	{
		name: "proc self exe",
		src: `package main

import "os/exec"

const self = "/proc/self/exe"

func main() {
	exec.Command("/proc/self/exe", "agent").Run()
	exec.Command(self, "judge").Run()
}
`,
		want: `
spawn Command self=/proc/self/exe role="agent" ctx=false args=1 ellipsis=false in=main
spawn Command self=/proc/self/exe role="judge" ctx=false args=1 ellipsis=false in=main
`,
	},
	{
		name: "external programs",
		src: `package main

import ("os"; "os/exec")

func main() {
	exec.Command("git", "status").Run()
	p, _ := exec.LookPath("go")
	exec.Command(p, "version").Run()
	exec.Command(os.Args[1]).Run()
	exec.Command("/proc/self/cwd").Run()
}
`,
		want: ``,
	},
	{
		name: "variable with another source",
		src: `package main

import ("os"; "os/exec")

func main() {
	exe, err := os.Executable()
	if err != nil {
		exe = "sh"
	}
	exec.Command(exe, "agent").Run()
	_, self := "x", os.Args[0]
	_ = &self
	exec.Command(self, "agent").Run()
	var zero string
	exec.Command(zero).Run()
}
`,
		want: ``,
	},
	{
		name: "parameters followed",
		src: `package main

import ("os"; "os/exec")

func main() {
	exe, _ := os.Executable()
	start(exe, "agent")
	start(os.Args[0], "judge")
	go func() { supervise(exe) }()
	one(os.Args[0])
}

func start(bin, role string) { exec.Command(bin, role).Run() }

func supervise(bin string) {
	spawn(bin)
	spawn(bin)
}

func spawn(bin string) { exec.Command(bin, "x").Run() }

func one(bin string)   { two(bin) }
func two(bin string)   { three(bin) }
func three(bin string) { four(bin) }
func four(bin string)  { exec.Command(bin, "too deep").Run() }
`,
		want: `
spawn Command self=os.Executable() role="" ctx=false args=1 ellipsis=false in=start
spawn Command self=os.Executable() role="x" ctx=false args=1 ellipsis=false in=spawn
`,
	},
	{
		name: "literal and method parameters",
		src: `package main

import ("os"; "os/exec")

type pool struct{}

func (pool) spawn(bin string) { exec.Command(bin, "m").Run() }

type starter interface{ start(string) }

type other struct{}

func (other) start(bin string) { exec.Command(bin, "i").Run() }

func main() {
	exe, _ := os.Executable()
	go func(bin string) { exec.Command(bin, "lit").Run() }(exe)
	later := func(bin string) { exec.Command(bin, "later").Run() }
	later(exe)
	pool{}.spawn(exe)
	other{}.start(exe)
	var s starter = other{}
	s.start("git")
}
`,
		want: `
spawn Command self=os.Executable() role="m" ctx=false args=1 ellipsis=false in=spawn
spawn Command self=os.Executable() role="lit" ctx=false args=1 ellipsis=false in=main
`,
	},
	{
		// Pins the TODO(procmigrate) marks of self, pipes and dispatches.
		name: "known limitations",
		src: `package main

import ("bufio"; "encoding/json"; "flag"; "io"; "os"; "os/exec")

func self() string { exe, _ := os.Executable(); return exe }

func main() {
	flag.Parse()
	if flag.Arg(0) == "flagrole" {
		return
	}
	if os.Args[1] != "guard" {
		return
	}
	exec.Command(self(), "helper").Run()
	cmd := exec.Command(os.Args[0], "agent")
	out, _ := cmd.StdoutPipe()
	var v int
	json.NewDecoder(bufio.NewReader(out)).Decode(&v)
	in, _ := cmd.StdinPipe()
	send(in)
}

func send(w io.Writer) { json.NewEncoder(w).Encode(1) }
`,
		want: `
spawn Command self=os.Args[0] role="agent" ctx=false args=1 ellipsis=false in=main cmd=cmd
  pipe stdout var=out uses=1
  pipe stdin var=in uses=1
`,
	},
	{
		name: "parameter with a foreign call site",
		src: `package main

import ("os"; "os/exec")

func main() {
	start(os.Args[0])
	start("git")
	f := use
	f(os.Args[0])
}

func start(bin string) { exec.Command(bin, "agent").Run() }

func use(bin string) { exec.Command(bin, "agent").Run() }
`,
		want: ``,
	},
	{
		name: "exported parameter outside main",
		src: `package pool

import ("os"; "os/exec")

func init() { Start(os.Args[0]) }

func Start(bin string) { exec.Command(bin, "agent").Run() }
`,
		want: ``,
	},
	{
		name: "helper process",
		src: `package main

import ("os"; "os/exec")

func main() {
	exec.Command(os.Args[0], "-test.run=TestHelperProcess", "--").Run()
	exec.Command(os.Args[0], append([]string{"-test.v"}, os.Args[1:]...)...).Run()
	cmd := exec.Command(os.Args[0], "agent")
	cmd.Env = append(os.Environ(), "GO_WANT_HELPER_PROCESS=1")
	cmd.Run()
}
`,
		want: ``,
	},
	{
		name: "aliased and dot imports",
		src: `package main

import (
	osexec "os/exec"
	. "os"
)

func main() {
	if Args[1] == "agent" {
		serve(Stdin)
	}
	exe, _ := Executable()
	osexec.Command(exe, "agent").Run()
}

func serve(f *File) { _ = f }
`,
		want: `
spawn Command self=os.Executable() role="agent" ctx=false args=1 ellipsis=false in=main dispatch=main:"agent"
dispatch "agent" arg=1 if in=main body=1 serve=serve
  endpoint stdin arg=0 param=f uses=1
`,
	},
	{
		name: "shadowed names",
		src: `package main

import "os/exec"

type fakeOS struct{ Args []string }

type fakeExec struct{}

func (fakeExec) Command(string, ...string) {}

func main() {
	os := fakeOS{Args: []string{"x"}}
	if os.Args[0] == "agent" {
		return
	}
	exec.Command(os.Args[0], "agent").Run()
	{
		exec := fakeExec{}
		exec.Command("/proc/self/exe", "agent")
	}
}
`,
		want: ``,
	},
	{
		name: "role variable and tagless switch",
		src: `package main

import "os"

func main() {
	role := ""
	if len(os.Args) > 1 {
		role = os.Args[1]
	}
	switch role {
	case "a":
		a()
	}
	switch {
	case len(os.Args) > 1 && os.Args[1] == "b":
		b()
	case "c" == os.Args[1] || os.Args[1] == "d":
	}
	other := os.Args[2]
	other = "z"
	if other == "e" {
	}
	if os.Args[2] == "f" {
	}
}

func a() {}
func b() {}
`,
		want: `
dispatch "a" arg=1 case in=main body=1 serve=a
dispatch "b" arg=1 case in=main body=1 serve=b
dispatch "c" arg=1 case in=main body=0
dispatch "d" arg=1 case in=main body=0
dispatch "f" arg=2 if in=main body=0
`,
	},
	{
		name: "codecs",
		src: `package main

import (
	"encoding/gob"
	"encoding/json"
	"os"
	"os/exec"
)

type msg struct{}

func main() {
	cmd := exec.Command(os.Args[0], "agent")
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	errs, _ := cmd.StderrPipe()
	json.NewEncoder(in).Encode(msg{})
	gob.NewEncoder(in).Encode(1)
	dec := json.NewDecoder(out)
	dec.UseNumber()
	var m msg
	dec.Decode(&m)
	var p *msg
	dec.Decode(&p)
	g := gob.NewDecoder(errs)
	var v any
	g.Decode(v)
	g.Decode(nil)
}
`,
		want: `
spawn Command self=os.Args[0] role="agent" ctx=false args=1 ellipsis=false in=main cmd=cmd
  pipe stdin var=in uses=2
  pipe stdout var=out uses=1 codec=json.Decoder var=dec calls=2 types=[msg *msg] other=1
  pipe stderr var=errs uses=1 codec=gob.Decoder var=g calls=2 types=[any] other=0
`,
	},
	{
		name: "chained codec",
		src: `package main

import ("encoding/json"; "os"; "os/exec")

func main() {
	cmd := exec.Command(os.Args[0], "agent")
	out, _ := cmd.StdoutPipe()
	var r []string
	json.NewDecoder(out).Decode(&r)
}
`,
		want: `
spawn Command self=os.Args[0] role="agent" ctx=false args=1 ellipsis=false in=main cmd=cmd
  pipe stdout var=out uses=1 codec=json.Decoder var=- calls=1 types=[[]string] other=0
`,
	},
	{
		name: "serve forms",
		src: `package main

import ("io"; "os")

type server struct{}

func (*server) serve(r io.Reader) int { return 0 }

func main() {
	switch os.Args[1] {
	case "exit":
		os.Exit(run(os.Stdin, os.Stdout, os.Stderr))
	case "method":
		s := &server{}
		s.serve(os.Stdin)
	case "expr":
		(*server).serve(nil, os.Stdin)
	case "foreign":
		io.Copy(os.Stdout, os.Stdin)
	}
}

func run(r io.Reader, ws ...io.Writer) int { return 0 }
`,
		want: `
dispatch "exit" arg=1 case in=main body=1 serve=run
  endpoint stdin arg=0 param=r uses=0
  direct stdout uses=1
dispatch "method" arg=1 case in=main body=2 serve=serve
  endpoint stdin arg=0 param=r uses=0
dispatch "expr" arg=1 case in=main body=1 serve=serve
  endpoint stdin arg=1 param=r uses=0
dispatch "foreign" arg=1 case in=main body=1
  direct stdout uses=1
  direct stdin uses=1
`,
	},
	{
		// The streams a role's code uses in place, in its branch and in
		// the body of its serving function, with the one codec built on
		// each. A stream passed to the serving function is an endpoint;
		// os.Stderr is where workers log; a function the serving
		// function calls is not searched.
		name: "direct streams",
		src: `package main

import ("bufio"; "encoding/gob"; "encoding/json"; "fmt"; "io"; "log"; "os")

type job struct{ N int }
type answer struct{ Sq int }

func main() {
	switch os.Args[1] {
	case "json":
		serveJSON()
	case "chained":
		var j job
		json.NewDecoder(os.Stdin).Decode(&j)
		json.NewEncoder(os.Stdout).Encode(answer{j.N})
	case "twice":
		enc := gob.NewEncoder(os.Stdout)
		enc.Encode(answer{})
		serveTwice()
	case "mixed":
		serveMixed(os.Stdin)
	case "deeper":
		serveDeeper()
	}
}

func serveJSON() {
	dec := json.NewDecoder(os.Stdin)
	enc := json.NewEncoder(os.Stdout)
	var j job
	for dec.Decode(&j) == nil {
		enc.Encode(answer{j.N * j.N})
	}
	log.SetOutput(os.Stderr)
}

func serveTwice() { gob.NewEncoder(os.Stdout).Encode(answer{}) }

func serveMixed(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fmt.Fprintln(os.Stdout, sc.Text())
	}
}

func serveDeeper() { serveJSON() }
`,
		want: `
dispatch "json" arg=1 case in=main body=1 serve=serveJSON
  direct stdin uses=1 codec=json.Decoder var=dec calls=1 types=[job] other=0
  direct stdout uses=1 codec=json.Encoder var=enc calls=1 types=[answer] other=0
dispatch "chained" arg=1 case in=main body=3
  direct stdin uses=1 codec=json.Decoder var=- calls=1 types=[job] other=0
  direct stdout uses=1 codec=json.Encoder var=- calls=1 types=[answer] other=0
dispatch "twice" arg=1 case in=main body=3 serve=serveTwice
  direct stdout uses=2
dispatch "mixed" arg=1 case in=main body=1 serve=serveMixed
  endpoint stdin arg=0 param=r uses=1
  direct stdout uses=1
dispatch "deeper" arg=1 case in=main body=1 serve=serveDeeper
`,
	},
	{
		name: "fields",
		src: `package main

import ("encoding/json"; "io"; "os"; "os/exec")

type pool struct{ exe string }

type worker struct {
	cmd *exec.Cmd
	in  io.WriteCloser
}

func newPool() *pool {
	exe, err := os.Executable()
	if err != nil {
		return &pool{os.Args[0]}
	}
	return &pool{exe: exe}
}

func (p *pool) start() *worker {
	w := &worker{}
	w.cmd = exec.Command(p.exe, "agent")
	w.in, _ = w.cmd.StdinPipe()
	return w
}

func (w *worker) send(v int) { json.NewEncoder(w.in).Encode(v) }

func main() { newPool().start() }
`,
		want: `
spawn Command self=os.Args[0] role="agent" ctx=false args=1 ellipsis=false in=start cmd=cmd
  pipe stdin var=in uses=2 codec=json.Encoder var=- calls=1 types=[int] other=0
`,
	},
	{
		name: "package level and roles",
		src: `package main

import ("os"; "os/exec")

const roleAgent = "agent"

var cmd = exec.Command(os.Args[0], roleAgent)

func main() {
	exec.Command(os.Args[0]).Run()
	exec.Command(os.Args[0], os.Args[1:]...).Run()
	exec.Command(os.Args[0], "x", os.Args[1]).Run()
	if os.Args[2] == "x" {
	}
}
`,
		want: `
spawn Command self=os.Args[0] role="agent" ctx=false args=1 ellipsis=false cmd=cmd
spawn Command self=os.Args[0] role="" ctx=false args=0 ellipsis=false in=main
spawn Command self=os.Args[0] role="" ctx=false args=1 ellipsis=true in=main
spawn Command self=os.Args[0] role="x" ctx=false args=2 ellipsis=false in=main
dispatch "x" arg=2 if in=main body=0
`,
	},
}

// TestFindAgentswarm runs Find over the project's example program, with
// its test files, when it is present. Only facts that stay put while the
// example is edited are checked.
func TestFindAgentswarm(t *testing.T) {
	const dir = "../../../testdata/agentswarm"
	names, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	if len(names) == 0 {
		t.Skipf("no Go files in %s", dir)
	}
	var srcs []string
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, filepath.Base(name), string(src))
	}
	files, info, pkg := load(t, srcs...)
	m := Find(files, info, pkg)

	var b strings.Builder
	for _, s := range m.Spawns {
		fmt.Fprintf(&b, "spawn self=%s role=%q", s.Self, s.Role)
		if d := s.Dispatch; d != nil {
			fmt.Fprintf(&b, " dispatch=%s serve=%s", d.Func.Name.Name, d.Serve.Name())
			for _, e := range d.Endpoints {
				fmt.Fprintf(&b, "\n  endpoint %s%s", e.Stream, codecSummary(e.Codec, pkg))
			}
		}
		for _, p := range s.Pipes {
			fmt.Fprintf(&b, "\n  pipe %s%s", p.Stream, codecSummary(p.Codec, pkg))
		}
		b.WriteString("\n")
	}
	want := `spawn self=os.Executable() role="agent" dispatch=main serve=serveAgent
  endpoint stdin json.Decoder [task]
  endpoint stdout json.Encoder [result]
  endpoint stderr
  pipe stdin json.Encoder [task]
  pipe stdout json.Decoder [result]
  pipe stderr
`
	if got := b.String(); got != want {
		t.Errorf("Find:\n%s\nwant:\n%s", got, want)
	}
}

func codecSummary(c *Codec, pkg *types.Package) string {
	if c == nil {
		return ""
	}
	var ts []string
	for _, t := range c.Types {
		ts = append(ts, types.TypeString(t, types.RelativeTo(pkg)))
	}
	return " " + c.Kind + " [" + strings.Join(ts, " ") + "]"
}

// TestFindWaysIn checks that FindWith, which skips a package with nothing
// a start or a role needs, still finds each construct in a package that
// has that one way in and no other: no os/exec, no os.Args.
func TestFindWaysIn(t *testing.T) {
	const serve = `
func serve() { os.Stdout.WriteString("served\n") }
`
	for _, tc := range []struct {
		name          string
		src           string
		roles, starts int
	}{
		{"getenv", `package main
import "os"
func main() {
	if os.Getenv("ROLE") == "agent" {
		serve()
		return
	}
	os.Stdout.WriteString("parent\n")
}` + serve, 1, 0},
		{"flag", `package main
import ("flag"; "os")
func main() {
	agent := flag.Bool("agent", false, "run as an agent")
	flag.Parse()
	if *agent {
		serve()
		return
	}
	os.Stdout.WriteString("parent\n")
}` + serve, 1, 0},
		{"startprocess", `package main
import "os"
func main() {
	p, err := os.StartProcess("/bin/true", []string{"true"}, &os.ProcAttr{})
	if err == nil {
		p.Wait()
	}
}` + serve, 0, 1},
		{"forkexec", `package main
import ("os"; "syscall")
func main() {
	syscall.ForkExec("/bin/true", []string{"true"}, nil)
}` + serve, 0, 1},
		{"nothing", `package main
import "os"
func main() { serve(); os.Exit(0) }` + serve, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, info, pkg := load(t, "main.go", tc.src)
			m := Find(files, info, pkg)
			if len(m.Roles) != tc.roles || len(m.Starts) != tc.starts {
				t.Errorf("roles %d, starts %d; want %d and %d", len(m.Roles), len(m.Starts), tc.roles, tc.starts)
			}
		})
	}
}
