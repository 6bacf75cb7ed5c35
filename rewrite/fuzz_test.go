package rewrite

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/packages"
)

// FuzzRewrite feeds worker programs to the rewriter: programs written from
// templates in the style of the golden cases (spawn sites, dispatches,
// serving functions, JSON codecs, package variables, process state), then
// mutated by dropping, duplicating and swapping statements, renaming
// identifiers to names the rewrite itself uses, and changing the role
// arguments. The input bytes choose every variant; see genProgram.
//
// For every program the rewriter must not panic, must fail exactly when
// the program does not type-check, and whatever it would write must parse,
// be gofmt-clean, type-check with the package's other files, and be left
// alone by a second run.
//
// A program that type-checks is loaded from source against export data
// built once (typeChecker.run), not through the go command, which took a
// second a program: fuzzing runs about 6 programs a second on one core,
// 14 without coverage instrumentation. The seed corpus in
// testdata/fuzz/FuzzRewrite runs with the other tests and is also loaded
// through the go command, which must give the same result; each seed
// costs about a second. Go minimizes every new interesting input for up to
// a minute, which stalls a short run: bound it.
//
//	go test -run '^$' -fuzz=FuzzRewrite -fuzztime=3m -fuzzminimizetime=3x ./rewrite
func FuzzRewrite(f *testing.F) {
	tc := newTypeChecker(f)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRewrite(t, tc, data) })
}

// fuzzRewrite is FuzzRewrite's check of the program data generates.
func fuzzRewrite(t *testing.T, tc *typeChecker, data []byte) {
	{
		prog := genProgram(data)
		dir := t.TempDir()
		writeModule(t, dir, prog)

		// The input's own verdict decides what the rewriter must do. A
		// program that type-checks is loaded from source, which is what
		// makes fuzzing fast; the seeds are loaded both ways, and must
		// give the same result.
		inputErr := tc.check(dir, nil)
		var (
			res *Result
			err error
		)
		if inputErr != nil {
			res, err = Run(Config{Dir: dir, Patterns: []string{"./..."}})
		} else {
			res, err = tc.run(dir)
			if err == nil && !fuzzing() {
				sameResult(t, dir, res)
			}
		}
		switch {
		case inputErr != nil && err == nil:
			t.Fatalf("the program does not type-check (%v), but the rewrite succeeds\n%s", inputErr, prog)
		case inputErr != nil:
			// The CLI prints the first line that names a position; the go
			// command may put a "# package" line before it.
			if !errorPosition.MatchString(err.Error()) {
				t.Errorf("the rewrite fails without naming file:line:col: %v", err)
			}
			return
		case err != nil:
			t.Fatalf("the rewrite of a program that type-checks fails: %v\n%s", err, prog)
		}

		for _, s := range res.Sites {
			t.Logf("%s:%d: role %q: %s: %s", filepath.Base(s.Pos.Filename), s.Pos.Line, s.Role, goldenLevel(s.Level), s.Reason)
		}

		// Whatever it would write parses, is gofmt-clean and type-checks.
		changed := map[string][]byte{}
		for _, f := range res.Files {
			formatted, err := format.Source(f.New)
			if err != nil {
				t.Fatalf("%s does not parse: %v\n%s", filepath.Base(f.Path), err, f.New)
			}
			if !bytes.Equal(formatted, f.New) {
				t.Fatalf("%s is not gofmt-clean:\n%s", filepath.Base(f.Path), goldenDiff(formatted, f.New))
			}
			changed[f.Path] = f.New
		}
		if len(changed) == 0 {
			return
		}
		if err := tc.check(dir, changed); err != nil {
			t.Fatalf("the rewritten package does not type-check: %v\n%s\n%s", err, prog, describeFiles(res.Files))
		}

		// A second run over the result changes nothing.
		for _, f := range res.Files {
			if err := os.WriteFile(f.Path, f.New, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		again, err := tc.run(dir)
		if err != nil {
			t.Fatalf("second rewrite: %v\n%s", err, describeFiles(res.Files))
		}
		for _, f := range again.Files {
			t.Errorf("a second rewrite changes %s:\n%s", filepath.Base(f.Path), goldenDiff(f.Old, f.New))
		}
	}
}

// fuzzing reports whether the test runs with -fuzz, rather than on the
// seed corpus alone.
func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

// sameResult checks that Run, which loads dir through the go command, gives
// res, which the fuzz target's own loader gave.
func sameResult(t *testing.T, dir string, res *Result) {
	t.Helper()
	slow, err := Run(Config{Dir: dir, Patterns: []string{"./..."}})
	if err != nil {
		t.Fatalf("the rewrite loaded through the go command fails: %v", err)
	}
	if fmt.Sprint(slow.Sites) != fmt.Sprint(res.Sites) {
		t.Fatalf("loaded from source, the sites are\n%v\nloaded through the go command\n%v", res.Sites, slow.Sites)
	}
	if len(slow.Files) != len(res.Files) {
		t.Fatalf("loaded from source, the rewrite changes %d files; through the go command, %d", len(res.Files), len(slow.Files))
	}
	for i, f := range slow.Files {
		if f.Path != res.Files[i].Path || !bytes.Equal(f.New, res.Files[i].New) {
			t.Fatalf("loaded from source, %s is\n%s\nloaded through the go command\n%s", filepath.Base(f.Path), res.Files[i].New, f.New)
		}
	}
}

// errorPosition matches the position in an error about a file.
var errorPosition = regexp.MustCompile(`(?m)^\S*\.go:\d+:\d+: `)

// describeFiles prints the files of a result for a failure message.
func describeFiles(files []File) string {
	var b strings.Builder
	for _, f := range files {
		fmt.Fprintf(&b, "-- %s --\n%s", filepath.Base(f.Path), f.New)
	}
	return b.String()
}

// writeModule writes the files of prog into dir.
func writeModule(t *testing.T, dir string, prog *program) {
	t.Helper()
	files := map[string]string{"go.mod": "module example.com/fuzz\n\ngo 1.22\n"}
	for name, src := range prog.files() {
		files[name] = src
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// typeChecker type-checks the generated package with go/types in the
// test's process, against export data of the standard library that the go
// command builds once: the go command would take a second per program.
type typeChecker struct {
	mu      sync.Mutex
	exports map[string]string // import path to export data file
}

func newTypeChecker(tb testing.TB) *typeChecker {
	tb.Helper()
	tc := &typeChecker{exports: map[string]string{}}
	// The packages the programs and the runtime import, and theirs.
	rt, err := parser.ParseFile(token.NewFileSet(), runtimeFile, runtimeSource, parser.ImportsOnly)
	if err != nil {
		tb.Fatal(err)
	}
	std := append([]string(nil), genPackages...)
	for _, imp := range rt.Imports {
		std = append(std, strings.Trim(imp.Path.Value, `"`))
	}
	if err := tc.ensure(std); err != nil {
		tb.Fatal(err)
	}
	return tc
}

func (tc *typeChecker) ensure(paths []string) error {
	args := append([]string{"list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}"}, paths...)
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("go list -export: %v: %s", err, ee.Stderr)
		}
		return fmt.Errorf("go list -export: %v", err)
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if path, file, ok := strings.Cut(line, "\t"); ok && file != "" {
			tc.exports[path] = file
		}
	}
	return nil
}

// check type-checks the package in dir, with the files of replace in
// place of those on disk or beside them, and returns the first error.
func (tc *typeChecker) check(dir string, replace map[string][]byte) error {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return err
	}
	for name := range replace {
		if filepath.Dir(name) == dir && !contains2(names, name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		src, ok := replace[name]
		if !ok {
			if src, err = os.ReadFile(name); err != nil {
				return err
			}
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			return err
		}
		files = append(files, f)
	}
	var first error
	conf := types.Config{
		GoVersion: "go1.22",
		Importer:  tc.importer(fset),
		Error: func(err error) {
			if first == nil {
				first = err
			}
		},
	}
	conf.Check("example.com/fuzz", fset, files, nil)
	return first
}

// run rewrites the package in dir, loaded as the rewriter's loader loads
// it but without the go command, which would take a second: parsed and
// type-checked here against the export data the checker has, which it also
// hands the rewriter for its own check of the result. It suits the
// generated programs, one package of plain Go files that type-checks.
func (tc *typeChecker) run(dir string) (*Result, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no Go files in %s", dir)
	}
	const path = "example.com/fuzz"
	info := &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Instances:    map[*ast.Ident]types.Instance{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		Scopes:       map[ast.Node]*types.Scope{},
		FileVersions: map[*ast.File]string{},
	}
	conf := types.Config{GoVersion: "go1.22", Importer: tc.importer(fset)}
	pkg, err := conf.Check(path, fset, files, info)
	if err != nil {
		return nil, err
	}
	imports := map[string]*packages.Package{}
	tc.mu.Lock()
	for p, file := range tc.exports {
		imports[p] = &packages.Package{ID: p, PkgPath: p, ExportFile: file}
	}
	tc.mu.Unlock()
	return runPackages([]*packages.Package{{
		ID:              path,
		Name:            pkg.Name(),
		PkgPath:         path,
		Dir:             dir,
		GoFiles:         names,
		CompiledGoFiles: names,
		Imports:         imports,
		Fset:            fset,
		Syntax:          files,
		Types:           pkg,
		TypesInfo:       info,
		TypesSizes:      types.SizesFor("gc", runtime.GOARCH),
		Module:          &packages.Module{Path: path, Main: true, Dir: dir, GoMod: filepath.Join(dir, "go.mod"), GoVersion: "1.22"},
	}})
}

// importer reads the export data the checker has.
func (tc *typeChecker) importer(fset *token.FileSet) types.Importer {
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		tc.mu.Lock()
		file, ok := tc.exports[path]
		tc.mu.Unlock()
		if !ok {
			return nil, fmt.Errorf("no export data for %s: add it to genPackages", path)
		}
		return os.Open(file)
	})
}

func contains2(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// genPackages are the packages a generated program may import.
var genPackages = []string{
	"bufio", "bytes", "context", "encoding/json", "errors", "fmt", "io",
	"log", "os", "os/exec", "strconv", "strings",
}

// choices hands out the input bytes as small numbers; past the end, zeros.
type choices struct {
	data []byte
	next int
}

// n returns a number in [0, k).
func (c *choices) n(k int) int {
	if c.next >= len(c.data) {
		return 0
	}
	v := int(c.data[c.next]) % k
	c.next++
	return v
}

// pick returns one of opts.
func pick[T any](c *choices, opts ...T) T { return opts[c.n(len(opts))] }

// program is a generated worker program: the statements of its functions
// as lists a mutation can change, and renames applied to the whole text.
type program struct {
	mainDispatch []string    // statements of main before the parent's work
	mainParent   []string    // the parent's work in main
	funcs        []*genFunc  // other functions, in main.go or worker.go
	decls        []string    // types and package variables, in worker.go
	renames      [][2]string // whole-word renames, in order
	buildTag     string      // a //go:build line for spawn.go, or ""
}

// genFunc is one function: its signature line and body statements.
type genFunc struct {
	sig  string
	body []string
	file string // "main.go", "worker.go" or "spawn.go"
}

var genRoles = []string{"worker", "agent", "log-shipper", "9lives", "echo"}

// genProgram writes the program that data chooses: one to three roles,
// each with a spawn site, a dispatch branch and a serving function, and
// then up to four mutations.
func genProgram(data []byte) *program {
	c := &choices{data: data}
	p := &program{}
	nroles := 1 + c.n(3)
	switchDispatch := c.n(2) == 1
	var cases []string
	var calls []string
	used := map[string]bool{}
	for i := 0; i < nroles; i++ {
		role := pick(c, genRoles...)
		if used[role] {
			role += fmt.Sprint(i)
		}
		used[role] = true
		g := genRole(c, p, role, i)
		if switchDispatch {
			cases = append(cases, fmt.Sprintf("case %q:\n%s", role, strings.Join(g.branch, "\n")))
		} else {
			p.mainDispatch = append(p.mainDispatch, fmt.Sprintf("if len(os.Args) > 1 && os.Args[1] == %q {\n%s\n}", role, strings.Join(g.branch, "\n")))
		}
		calls = append(calls, g.call)
	}
	if switchDispatch {
		p.mainDispatch = append(p.mainDispatch, "if len(os.Args) > 1 {\nswitch os.Args[1] {\n"+strings.Join(cases, "\n")+"\n}\n}")
	}
	p.mainParent = append(p.mainParent, "ctx := context.Background()", "_ = ctx")
	for _, call := range calls {
		p.mainParent = append(p.mainParent, fmt.Sprintf("if err := %s; err != nil {\nfmt.Fprintln(os.Stderr, err)\nos.Exit(1)\n}", call))
	}
	if c.n(3) == 0 {
		p.buildTag = pick(c, "//go:build !plan9", "//go:build unix || windows")
	}
	for m, k := 0, c.n(5); m < k; m++ {
		mutate(c, p)
	}
	return p
}

// roleParts is what genRole adds to main for a role.
type roleParts struct {
	branch []string // the dispatch branch's statements
	call   string   // the parent's call of the spawning function
}

// genRole writes the spawning function, the serving function and the
// message types of one role.
func genRole(c *choices, p *program, role string, i int) roleParts {
	id := fmt.Sprint(i)
	serve := "serve" + id
	req, resp := "req"+id, "resp"+id
	var parts roleParts

	// The messages, and the state worker code keeps.
	tag := pick(c, "", " `json:\"v\"`", " `json:\"v,omitempty\"`")
	if c.n(4) == 0 {
		p.decls = append(p.decls,
			fmt.Sprintf("type envelope%s[T any] struct {\nID int\nBody T\n}", id),
			fmt.Sprintf("type %s = envelope%s[int]", req, id))
	} else {
		p.decls = append(p.decls, fmt.Sprintf("type %s struct {\n// N is the request.\nN int\n}", req))
	}
	p.decls = append(p.decls, fmt.Sprintf("type %s struct {\nV int%s\n}", resp, tag))
	var state []string
	switch c.n(6) {
	case 1:
		p.decls = append(p.decls, fmt.Sprintf("// count%s counts requests.\nvar count%s int", id, id))
		state = append(state, fmt.Sprintf("count%s++", id))
	case 2:
		p.decls = append(p.decls, fmt.Sprintf("var seen%s = map[int]bool{}", id))
		p.funcs = append(p.funcs, &genFunc{file: "worker.go", sig: fmt.Sprintf("func note%s(n int)", id), body: []string{fmt.Sprintf("seen%s[n] = true", id)}})
		state = append(state, fmt.Sprintf("note%s(q.%s)", id, reqField(p, req)))
	case 3:
		p.funcs = append(p.funcs, &genFunc{file: "worker.go", sig: fmt.Sprintf("func logf%s(n int)", id), body: []string{
			fmt.Sprintf("log.Printf(\"%s: %%d\", n)", role), "if n < 0 {\nos.Exit(3)\n}"}})
		state = append(state, fmt.Sprintf("logf%s(q.%s)", id, reqField(p, req)))
	case 4:
		state = append(state, fmt.Sprintf("fmt.Fprintln(os.Stderr, %q)", role))
	case 5:
		p.decls = append(p.decls, fmt.Sprintf("var limit%s = 10", id))
		state = append(state, fmt.Sprintf("if q.%s > limit%s {\nreturn errors.New(\"too big\")\n}", reqField(p, req), id))
	}

	// The serving function: JSON both ways, or bytes in and out.
	jsonProto := c.n(3) != 0
	n := "q." + reqField(p, req)
	if jsonProto {
		body := []string{
			"dec := json.NewDecoder(r)",
			"enc := json.NewEncoder(w)",
			"for {\nvar q " + req + "\nif err := dec.Decode(&q); err != nil {\nif err == io.EOF {\nreturn nil\n}\nreturn err\n}\n" +
				strings.Join(state, "\n") + "\nif err := enc.Encode(" + resp + "{V: " + n + " * 2}); err != nil {\nreturn err\n}\n}",
		}
		p.funcs = append(p.funcs, &genFunc{file: "worker.go", sig: fmt.Sprintf("func %s(r io.Reader, w io.Writer) error", serve), body: body})
	} else {
		body := []string{
			"data, err := io.ReadAll(r)",
			"if err != nil {\nreturn err\n}",
			"_, err = w.Write(bytes.ToUpper(data))",
			"return err",
		}
		p.funcs = append(p.funcs, &genFunc{file: "worker.go", sig: fmt.Sprintf("func %s(r io.Reader, w io.Writer) error", serve), body: body})
	}

	// The branch that runs the role.
	switch c.n(3) {
	case 0:
		parts.branch = []string{fmt.Sprintf("if err := %s(os.Stdin, os.Stdout); err != nil {\nfmt.Fprintln(os.Stderr, %q, err)\nos.Exit(1)\n}", serve, role+":"), "return"}
	case 1:
		parts.branch = []string{fmt.Sprintf("if err := %s(os.Stdin, os.Stdout); err != nil {\nlog.Fatal(err)\n}", serve), "os.Exit(0)"}
	case 2:
		parts.branch = []string{fmt.Sprintf("err := %s(os.Stdin, os.Stdout)", serve), "if err != nil {\nos.Exit(2)\n}", "return"}
	}

	// The spawning function.
	var spawn []string
	spawnCall := pick(c,
		fmt.Sprintf("exec.CommandContext(ctx, exe, %q)", role),
		fmt.Sprintf("exec.Command(exe, %q, \"-n\", strconv.Itoa(%d))", role, i),
		fmt.Sprintf("exec.CommandContext(ctx, os.Args[0], %q)", role))
	if strings.Contains(spawnCall, "exe,") {
		spawn = append(spawn, "exe, err := os.Executable()", "if err != nil {\nreturn err\n}")
	}
	spawn = append(spawn, "cmd := "+spawnCall)
	if jsonProto {
		spawn = append(spawn,
			"stdin, err := cmd.StdinPipe()", "if err != nil {\nreturn err\n}",
			"stdout, err := cmd.StdoutPipe()", "if err != nil {\nreturn err\n}",
			"if err := cmd.Start(); err != nil {\nreturn err\n}",
			"enc := json.NewEncoder(stdin)",
			"dec := json.NewDecoder(stdout)",
			fmt.Sprintf("for i := 0; i < 3; i++ {\nvar q %s\nq.%s = i\nif err := enc.Encode(%sq); err != nil {\nreturn err\n}\nvar a %s\nif err := dec.Decode(&a); err != nil {\nreturn err\n}\nfmt.Println(a.V)\n}",
				req, reqField(p, req), pick(c, "", "&"), resp),
			"stdin.Close()",
			"return cmd.Wait()")
	} else {
		spawn = append(spawn,
			"cmd.Stdin = strings.NewReader(\"abc\")",
			"out, err := cmd.Output()",
			"if err != nil {\nreturn err\n}",
			"fmt.Print(string(out))",
			"return nil")
	}
	name := "call" + id
	file := pick(c, "main.go", "spawn.go")
	if c.n(3) == 0 {
		// A method of a generic pool.
		pool := "pool" + id
		p.decls = append(p.decls, fmt.Sprintf("type %s[T any] struct {\nlast T\n}", pool))
		p.funcs = append(p.funcs, &genFunc{file: file, sig: fmt.Sprintf("func (p *%s[T]) %s(ctx context.Context) error", pool, name), body: spawn})
		parts.call = fmt.Sprintf("(&%s[int]{}).%s(ctx)", pool, name)
	} else {
		p.funcs = append(p.funcs, &genFunc{file: file, sig: fmt.Sprintf("func %s(ctx context.Context) error", name), body: spawn})
		parts.call = name + "(ctx)"
	}
	return parts
}

// reqField returns the field of a request type that holds the number.
func reqField(p *program, req string) string {
	for _, d := range p.decls {
		if strings.HasPrefix(d, "type "+req+" = envelope") {
			return "Body"
		}
	}
	return "N"
}

// mutate changes p in one way data chooses.
func mutate(c *choices, p *program) {
	lists := []*[]string{&p.mainDispatch, &p.mainParent}
	for _, f := range p.funcs {
		lists = append(lists, &f.body)
	}
	list := lists[c.n(len(lists))]
	switch c.n(5) {
	case 0: // drop a statement
		if len(*list) > 0 {
			i := c.n(len(*list))
			*list = append((*list)[:i:i], (*list)[i+1:]...)
		}
	case 1: // duplicate one
		if len(*list) > 0 {
			i := c.n(len(*list))
			*list = append((*list)[:i+1:i+1], (*list)[i:]...)
		}
	case 2: // swap two neighbours
		if len(*list) > 1 {
			i := c.n(len(*list) - 1)
			(*list)[i], (*list)[i+1] = (*list)[i+1], (*list)[i]
		}
	case 3: // rename to a name the rewrite uses, or one that hides a package
		p.renames = append(p.renames, pick(c,
			[2]string{"ctx", "context"},
			[2]string{"serve0", "runWorkerRole"},
			[2]string{"serve0", "newInprocCmd"},
			[2]string{"call0", "runAgentRole"},
			[2]string{"exe", "proc"},
			[2]string{"enc", "sync"},
			[2]string{"dec", "io"},
			[2]string{"w", "proc"},
			[2]string{"count0", "cgoMu"},
			[2]string{"err", "inprocExit"},
		))
	case 4: // change the role or the arguments of a spawn or dispatch
		from := regexp.MustCompile(`"[a-z0-9-]+"`)
		i := c.n(len(*list) + 1)
		if i == len(*list) {
			return
		}
		switch c.n(3) {
		case 0:
			(*list)[i] = from.ReplaceAllStringFunc((*list)[i], func(s string) string { return s[:len(s)-1] + "x\"" })
		case 1:
			(*list)[i] = strings.Replace((*list)[i], "os.Args[1] ==", "os.Getenv(\"ROLE\") ==", 1)
		case 2:
			(*list)[i] = strings.Replace((*list)[i], "exec.Command(", "exec.Command(\"/bin/true\", ", 1)
		}
	}
}

// files returns the source of each file of the program, imports included.
func (p *program) files() map[string]string {
	bodies := map[string]*strings.Builder{"main.go": {}, "worker.go": {}, "spawn.go": {}}
	fmt.Fprintf(bodies["main.go"], "func main() {\n%s\n\n%s\n}\n", strings.Join(p.mainDispatch, "\n"), strings.Join(p.mainParent, "\n"))
	for _, d := range p.decls {
		fmt.Fprintf(bodies["worker.go"], "\n%s\n", d)
	}
	for _, f := range p.funcs {
		fmt.Fprintf(bodies[f.file], "\n%s {\n%s\n}\n", f.sig, strings.Join(f.body, "\n"))
	}
	out := map[string]string{}
	for name, b := range bodies {
		body := b.String()
		for _, r := range p.renames {
			body = regexp.MustCompile(`\b`+r[0]+`\b`).ReplaceAllString(body, r[1])
		}
		if strings.TrimSpace(body) == "" {
			continue
		}
		var head strings.Builder
		if name == "spawn.go" && p.buildTag != "" {
			head.WriteString(p.buildTag + "\n\n")
		}
		head.WriteString("package main\n\n")
		var imports []string
		for _, path := range genPackages {
			if regexp.MustCompile(`\b` + path[strings.LastIndex(path, "/")+1:] + `\.`).MatchString(body) {
				imports = append(imports, fmt.Sprintf("%q", path))
			}
		}
		if len(imports) > 0 {
			fmt.Fprintf(&head, "import (\n%s\n)\n", strings.Join(imports, "\n"))
		}
		src := head.String() + body
		if formatted, err := format.Source([]byte(src)); err == nil {
			src = string(formatted)
		}
		out[name] = src
	}
	return out
}

// String prints the program's files, for failure messages.
func (p *program) String() string {
	files := p.files()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		fmt.Fprintf(&b, "-- %s --\n%s", name, files[name])
	}
	return b.String()
}
