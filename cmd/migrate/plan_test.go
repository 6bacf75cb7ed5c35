package main

import (
	"bytes"
	"encoding/json"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"

	"github.com/procmigrate/procmigrate/rewrite"
)

// runMigrate runs the command line args in dir as the binary does, with
// rewriteFn as the rewrite, and returns stdout, stderr and the exit code.
func runMigrate(t *testing.T, dir string, rewriteFn func(rewrite.Config) (*rewrite.Result, error), args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &cliEnv{Stdout: &out, Stderr: &errOut, Dir: dir, Rewrite: rewriteFn}
	cmd := newRootCmd(env)
	cmd.SetArgs(args)
	code := exitCode(cmd.Execute(), &errOut)
	return out.String(), errOut.String(), code
}

// planJSON runs "migrate plan --json" on dir with the real rewrite and
// decodes its output, rejecting fields the plan types do not declare.
func planJSON(t *testing.T, dir string) *planReport {
	t.Helper()
	stdout, stderr, code := runMigrate(t, dir, rewrite.Run, "plan", "--json")
	if code != 0 || stderr != "" {
		t.Fatalf("plan --json: exit code %d, stderr:\n%s", code, stderr)
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	var rep planReport
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("decode plan: %v\n%s", err, stdout)
	}
	return &rep
}

// posOf returns the position of the first occurrence of text in file,
// relative to dir.
func posOf(t *testing.T, dir, file, text string) planPos {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, []byte(text))
	if i < 0 {
		t.Fatalf("%s does not contain %q", file, text)
	}
	line := bytes.Count(data[:i], []byte("\n")) + 1
	col := i - bytes.LastIndexByte(data[:i], '\n')
	return planPos{File: file, Line: line, Column: col}
}

// checkFindings returns the findings "migrate check" prints for the
// analyses roots, as "file:line:col: message (analyzer)" lines.
func checkFindings(t *testing.T, dir string, roots []*checker.Action) []string {
	t.Helper()
	var b strings.Builder
	if err := printFindings(&b, dir, collectFindings(roots)); err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(b.String()), "\n")
}

// planFindings returns the hazards of rep in the form of checkFindings.
func planFindings(rep *planReport) []string {
	var out []string
	for _, pp := range rep.Packages {
		for _, g := range pp.Hazards {
			for _, h := range g.Hazards {
				out = append(out, h.Pos.String()+": "+h.Message+" ("+g.Analyzer+")")
			}
		}
	}
	return out
}

func TestPlanAgentswarm(t *testing.T) {
	dir, err := filepath.Abs("../../testdata/agentswarm")
	if err != nil {
		t.Fatal(err)
	}
	env := &cliEnv{Dir: dir, Rewrite: rewrite.Run}
	rep, roots, err := computePlan(t.Context(), env, dir, []string{"./..."})
	if err != nil {
		t.Fatal(err)
	}

	if rep.Version != planVersion || len(rep.Packages) != 1 {
		t.Fatalf("version %d with %d packages, want %d with 1", rep.Version, len(rep.Packages), planVersion)
	}
	pp := rep.Packages[0]
	if pp.Path != "example.com/agentswarm" || len(pp.Roles) != 1 {
		t.Fatalf("package %s with %d roles, want example.com/agentswarm with 1", pp.Path, len(pp.Roles))
	}

	// The role and its branches: main's is the one spawns start.
	r := pp.Roles[0]
	if r.Role != "agent" || r.Serve != "serveAgent" {
		t.Errorf("role %q served by %q, want \"agent\" served by serveAgent", r.Role, r.Serve)
	}
	var funcs []string
	for _, d := range r.Dispatches {
		funcs = append(funcs, d.Func)
		if d.Started != (d.Func == "main") {
			t.Errorf("dispatch in %s at %s: started = %v", d.Func, d.Pos, d.Started)
		}
	}
	if !slices.Equal(funcs, []string{"main", "TestMain"}) {
		t.Errorf("dispatches in %v, want main and TestMain", funcs)
	}

	// The spawn site and what the rewrite does to it.
	want := planSpawn{
		Pos:     posOf(t, dir, "orchestrator.go", "exec.CommandContext(ctx, exe, agentRole"),
		Func:    "runAgent",
		Call:    "exec.CommandContext",
		Self:    "os.Executable()",
		Rewrite: &planRewrite{Level: levelTypedChannels, Notes: r.Spawns[0].Rewrite.Notes},
	}
	if len(r.Spawns) != 1 || !reflect.DeepEqual(r.Spawns[0], want) {
		t.Errorf("spawns = %+v, want one %+v", r.Spawns, want)
	}
	if notes := r.Spawns[0].Rewrite.Notes; len(notes) != 1 || !strings.Contains(notes[0], "tally") {
		t.Errorf("notes = %q, want one about tally", notes)
	}

	// The protocol.
	type streamSummary struct{ stream, dir, parent, worker, param string }
	var streams []streamSummary
	for _, st := range r.Streams {
		if len(st.Parent) != 1 || st.Worker == nil {
			t.Fatalf("stream %s: %d parent ends and worker %v, want one of each", st.Stream, len(st.Parent), st.Worker)
		}
		streams = append(streams, streamSummary{st.Stream, st.Direction, st.Parent[0].Codec, st.Worker.Codec, st.Worker.Param})
	}
	wantStreams := []streamSummary{
		{"stdin", toWorker, "json.Encoder", "json.Decoder", "in"},
		{"stdout", toParent, "json.Decoder", "json.Encoder", "out"},
		{"stderr", toParent, "", "", "logw"},
	}
	if !slices.Equal(streams, wantStreams) {
		t.Errorf("streams = %+v, want %+v", streams, wantStreams)
	}
	if !slices.Equal(r.ToWorker, []string{"task"}) || !slices.Equal(r.ToParent, []string{"result"}) {
		t.Errorf("messages to worker %v and to parent %v, want [task] and [result]", r.ToWorker, r.ToParent)
	}
	if got := r.Streams[0].Parent[0].Pos; got != posOf(t, dir, "orchestrator.go", "cmd.StdinPipe()") {
		t.Errorf("stdin pipe at %s", got)
	}

	// Every finding of check is a hazard, and the rewrite addresses each.
	if got, want := planFindings(rep), checkFindings(t, dir, roots); !sameSet(got, want) {
		t.Errorf("hazards:\n%s\nwant what check reports:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, g := range pp.Hazards {
		for _, h := range g.Hazards {
			if g.Analyzer != "execworker" && g.Analyzer != "pipeipc" {
				continue // what other analyzers report is checked for consistency only
			}
			if h.AddressedBy != byRewrite || !slices.Equal(h.Roles, []string{"agent"}) {
				t.Errorf("%s (%s): roles %q, addressed by %q; want agent, rewrite", h.Pos, g.Analyzer, h.Roles, h.AddressedBy)
			}
		}
	}
	if len(rep.NeedsPerson.Sites) != 0 {
		t.Errorf("sites needing a person: %+v", rep.NeedsPerson.Sites)
	}
	checkConsistent(t, rep)

	// The files: the runtime is new, main.go is untouched.
	var files []string
	for _, f := range rep.Files {
		files = append(files, f.Path)
		if f.New != (f.Path == "procmigrate_inproc.go") || f.Added == 0 {
			t.Errorf("file %+v", f)
		}
	}
	if !slices.Equal(files, []string{"agent.go", "orchestrator.go", "procmigrate_inproc.go"}) {
		t.Errorf("files = %v", files)
	}
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// extractScript writes the files of a testscript archive to a new
// directory and returns it.
func extractScript(t *testing.T, name string) string {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", "script", name))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		path := filepath.Join(dir, f.Name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPlanNeedsPerson(t *testing.T) {
	dir := extractScript(t, "plan_refused.txtar")
	rep := planJSON(t, dir)

	// The refused site, with the rewriter's reason.
	open := rep.NeedsPerson
	if len(open.Sites) != 1 {
		t.Fatalf("sites needing a person = %+v, want one", open.Sites)
	}
	site := open.Sites[0]
	if site.Package != "example.com/tools" || site.Role != "indexer" ||
		site.Pos != posOf(t, dir, "run.go", `exec.Command(exe, "indexer")`) ||
		!strings.Contains(site.Reason, "keep as a process: the child changes its working directory with os.Chdir in serveIndexer") {
		t.Errorf("site needing a person = %+v", site)
	}

	// Hazards are open exactly when they belong to the refused role; the
	// spawn's own is one of them.
	needs := make(map[string]bool)
	for _, h := range open.Hazards {
		needs[h.Pos.String()+" "+h.Analyzer] = true
	}
	for _, g := range rep.Packages[0].Hazards {
		for _, h := range g.Hazards {
			key := h.Pos.String() + " " + g.Analyzer
			indexer := slices.Contains(h.Roles, "indexer")
			if needs[key] != indexer {
				t.Errorf("%s of roles %q: needs a person = %v", key, h.Roles, needs[key])
			}
			if g.Analyzer == "execworker" || g.Analyzer == "pipeipc" {
				if len(h.Roles) != 1 {
					t.Errorf("%s: roles %q, want one", key, h.Roles)
				}
			}
		}
	}
	if spawn := site.Pos.String() + " execworker"; !needs[spawn] {
		t.Errorf("hazard %s does not need a person", spawn)
	}
	s := rep.Summary
	if s.Sites != 2 || s.InProcess != 1 || s.Unchanged != 1 || s.TypedChannels != 0 || s.NotRewritten != 0 {
		t.Errorf("summary = %+v, want 2 sites, 1 in-process and 1 unchanged", s)
	}
	checkConsistent(t, rep)
}

// checkConsistent checks that the summary counts the lists and that
// needs_person lists exactly the unchanged sites and unaddressed hazards.
func checkConsistent(t *testing.T, rep *planReport) {
	t.Helper()
	var sites, unchanged, hazards []string
	var open []string
	for _, pp := range rep.Packages {
		for _, r := range pp.Roles {
			for _, sp := range r.Spawns {
				sites = append(sites, sp.Pos.String())
				if sp.Rewrite == nil || sp.Rewrite.Level == levelUnchanged {
					unchanged = append(unchanged, sp.Pos.String())
				}
			}
		}
		for _, g := range pp.Hazards {
			if !slices.ContainsFunc(suite, func(a *analysis.Analyzer) bool { return a.Name == g.Analyzer }) {
				t.Errorf("hazards of %s, which is not in the suite", g.Analyzer)
			}
			for _, h := range g.Hazards {
				hazards = append(hazards, h.Pos.String())
				if h.AddressedBy == byNothing {
					open = append(open, h.Pos.String()+" "+g.Analyzer)
				}
			}
		}
	}
	var openSites, openHazards []string
	for _, s := range rep.NeedsPerson.Sites {
		openSites = append(openSites, s.Pos.String())
	}
	for _, h := range rep.NeedsPerson.Hazards {
		openHazards = append(openHazards, h.Pos.String()+" "+h.Analyzer)
	}
	if !sameSet(openSites, unchanged) || !sameSet(openHazards, open) {
		t.Errorf("needs a person: sites %q and hazards %q, want %q and %q", openSites, openHazards, unchanged, open)
	}
	s := rep.Summary
	if s.Sites != len(sites) || s.Hazards != len(hazards) || s.NeedsPerson != len(unchanged)+len(open) ||
		s.TypedChannels+s.InProcess+s.Unchanged+s.NotRewritten != s.Sites {
		t.Errorf("summary %+v does not count %d sites, %d hazards and %d open items", s, len(sites), len(hazards), len(unchanged)+len(open))
	}
}

// TestPlanUnmatchedSites checks that a site the rewriter reports is in
// the plan even where the plan finds no spawn, and that the files and
// the summary follow the rewrite.
func TestPlanUnmatchedSites(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":       "module example.com/x\n\ngo 1.22\n",
		"main.go":      "package main\n\nfunc main() {\n\tspawn()\n}\n\nfunc spawn() {}\n",
		"sub/agent.go": "package sub\n\nvar X = 1\n",
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	main := filepath.Join(dir, "main.go")
	agent := filepath.Join(dir, "sub", "agent.go")
	res := &rewrite.Result{
		Files: []rewrite.File{
			{Path: agent, Old: []byte(files["sub/agent.go"]), New: []byte("package sub\n\nvar X = 2\n")},
			{Path: main, Old: []byte(files["main.go"]), New: []byte(strings.Replace(files["main.go"], "\tspawn()", "\tgo spawn()", 1))},
		},
		Sites: []rewrite.Site{
			{Pos: token.Position{Filename: main, Line: 4, Column: 2}, Role: "agent", Level: rewrite.InProcess, Reason: "the codec is shared", Notes: []string{"privatized os.Stdout"}},
			{Pos: token.Position{Filename: main, Line: 2, Column: 1}, Role: "agent", Level: rewrite.TypedChannels},
			{Pos: token.Position{Filename: agent, Line: 1, Column: 1}, Level: rewrite.Unchanged, Reason: "role is not constant"},
		},
	}
	fake := func(rewrite.Config) (*rewrite.Result, error) { return res, nil }
	stdout, stderr, code := runMigrate(t, dir, fake, "plan", "--json")
	if code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
	}
	var rep planReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}

	var got []string
	for _, pp := range rep.Packages {
		for _, r := range pp.Roles {
			for _, s := range r.Spawns {
				got = append(got, pp.Path+" "+r.Role+" "+s.Pos.String()+" "+s.Rewrite.Level)
			}
		}
	}
	want := []string{
		"example.com/x agent main.go:2:1 typed-channels",
		"example.com/x agent main.go:4:2 in-process",
		"example.com/x/sub  " + filepath.Join("sub", "agent.go") + ":1:1 unchanged",
	}
	if !slices.Equal(got, want) {
		t.Errorf("sites:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantFiles := []planFile{
		{Path: "main.go", Added: 1, Removed: 1},
		{Path: filepath.Join("sub", "agent.go"), Added: 1, Removed: 1},
	}
	if !reflect.DeepEqual(rep.Files, wantFiles) {
		t.Errorf("files = %+v, want %+v", rep.Files, wantFiles)
	}
	if len(rep.NeedsPerson.Sites) != 1 || rep.NeedsPerson.Sites[0].Reason != "role is not constant" {
		t.Errorf("needs a person: %+v", rep.NeedsPerson.Sites)
	}

	// The Markdown says the same.
	stdout, _, _ = runMigrate(t, dir, fake, "plan")
	for _, line := range []string{
		"| 3 | 1 | 1 | 1 | 0 | 1 |",
		"### Role not constant",
		"- `" + filepath.Join("sub", "agent.go") + ":1:1` (`example.com/x/sub`, role (not constant)): role is not constant",
		"  - privatized os.Stdout",
		"Started other than by `exec.Command` or `exec.CommandContext`, so the plan does not follow the worker's code; the rewrite's reason is below.",
	} {
		if !strings.Contains(stdout, "\n"+line+"\n") {
			t.Errorf("markdown lacks line %q:\n%s", line, stdout)
		}
	}
}

func TestDiffLines(t *testing.T) {
	old := "a\nb\nc\nd\n"
	changed := make(map[int]bool)
	added, removed := diffLines(old, "a\nB\nc\nd\ne\nf\n", changed)
	if added != 3 || removed != 1 {
		t.Errorf("added %d, removed %d; want 3 and 1", added, removed)
	}
	if !reflect.DeepEqual(changed, map[int]bool{2: true}) {
		t.Errorf("changed lines = %v, want line 2", changed)
	}
}

// TestPlanSchemaDocumented checks that docs/plan.md documents every field
// of the JSON output, so that the page cannot fall behind the code.
func TestPlanSchemaDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/plan.md")
	if err != nil {
		t.Fatal(err)
	}
	seen := make(map[reflect.Type]bool)
	var visit func(reflect.Type)
	visit = func(typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] {
			return
		}
		seen[typ] = true
		for f := range typ.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			row := regexp.MustCompile("(?m)^\\| `" + regexp.QuoteMeta(name) + "` \\|")
			if !row.Match(doc) {
				t.Errorf("docs/plan.md has no table row for field %q of %s", name, typ.Name())
			}
			visit(f.Type)
		}
	}
	visit(reflect.TypeFor[planReport]())
}

func TestAddressedBy(t *testing.T) {
	b := &planBuilder{changed: map[string]map[int]bool{"/m/a.go": {5: true}}}
	role := func(levels ...string) *roleEntry {
		r := &roleEntry{}
		for _, l := range levels {
			r.plan.Spawns = append(r.plan.Spawns, planSpawn{Rewrite: &planRewrite{Level: l}})
		}
		return r
	}
	diag := func(start, end int, fix bool) planDiag {
		d := planDiag{
			start: token.Position{Filename: "/m/a.go", Line: start},
			end:   token.Position{Filename: "/m/a.go", Line: end},
		}
		if fix {
			d.diag.SuggestedFixes = []analysis.SuggestedFix{{Message: "Fix it"}}
		}
		return d
	}
	for _, tc := range []struct {
		name  string
		d     planDiag
		roles []*roleEntry
		want  string
	}{
		{"fix", diag(1, 1, true), []*roleEntry{role(levelUnchanged)}, byFix},
		{"converted role", diag(1, 1, false), []*roleEntry{role(levelTypedChannels, levelInProcess)}, byRewrite},
		{"a site of the role stays", diag(5, 5, false), []*roleEntry{role(levelTypedChannels, levelUnchanged)}, byNothing},
		{"one of two roles stays", diag(1, 1, false), []*roleEntry{role(levelInProcess), role(levelUnchanged)}, byNothing},
		{"role without spawns", diag(1, 1, false), []*roleEntry{role()}, byNothing},
		{"changed line", diag(5, 5, false), nil, byRewrite},
		{"range over a changed line", diag(4, 6, false), nil, byRewrite},
		{"unchanged line", diag(6, 7, false), nil, byNothing},
	} {
		if got := b.addressedBy(tc.d, tc.roles); got != tc.want {
			t.Errorf("%s: addressed by %q, want %q", tc.name, got, tc.want)
		}
	}
}

// directWorkerSrc is a worker that reads and writes os.Stdin and
// os.Stdout itself, in its branch of main, while the parent reads its
// answers as lines of raw bytes: only the worker's end shows what the
// parent is sent back.
const directWorkerSrc = `package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
)

type job struct{ N int }

func main() {
	if len(os.Args) > 1 && os.Args[1] == "worker" {
		dec, enc := json.NewDecoder(os.Stdin), json.NewEncoder(os.Stdout)
		var j job
		for dec.Decode(&j) == nil {
			enc.Encode(fmt.Sprint(j.N * j.N))
		}
		return
	}
	exe, _ := os.Executable()
	cmd := exec.Command(exe, "worker")
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Start()
	json.NewEncoder(in).Encode(job{3})
	in.Close()
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		fmt.Println(sc.Text())
	}
	cmd.Wait()
}
`

// TestPlanDirectStreams checks the protocol of a worker that uses the
// process's streams itself: the worker's end of each stream is where its
// codec is built on os.Stdin or os.Stdout, its message types count, and
// the rewrite's reason for stopping at in-process says why.
func TestPlanDirectStreams(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"go.mod":  "module example.com/x\n\ngo 1.22\n",
		"main.go": directWorkerSrc,
	})
	rep := planJSON(t, dir)
	if len(rep.Packages) != 1 || len(rep.Packages[0].Roles) != 1 {
		t.Fatalf("plan has %+v, want one package with one role", rep.Packages)
	}
	r := rep.Packages[0].Roles[0]

	// The worker's ends, and the message types they add.
	want := map[string]planEnd{
		"stdin":  {Pos: posOf(t, dir, "main.go", "os.Stdin"), Codec: "json.Decoder", Types: []string{"job"}},
		"stdout": {Pos: posOf(t, dir, "main.go", "os.Stdout"), Codec: "json.Encoder", Types: []string{"string"}},
	}
	if len(r.Streams) != len(want) {
		t.Fatalf("streams = %+v, want stdin and stdout", r.Streams)
	}
	for _, st := range r.Streams {
		if st.Worker == nil || !reflect.DeepEqual(*st.Worker, want[st.Stream]) {
			t.Errorf("worker end of %s = %+v, want %+v", st.Stream, st.Worker, want[st.Stream])
		}
	}
	if !slices.Equal(r.ToWorker, []string{"job"}) || !slices.Equal(r.ToParent, []string{"string"}) {
		t.Errorf("messages to the worker %q and to the parent %q, want job and string", r.ToWorker, r.ToParent)
	}
	if len(r.Spawns) != 1 || r.Spawns[0].Rewrite == nil ||
		r.Spawns[0].Rewrite.Reason != "the worker uses os.Stdin itself rather than receiving it as a parameter of its serving function" {
		t.Errorf("spawns = %+v, want one stopped at in-process by os.Stdin", r.Spawns)
	}

	// The Markdown names the streams the worker uses.
	var md strings.Builder
	if err := printPlan(&md, rep); err != nil {
		t.Fatal(err)
	}
	at := func(text string) string { return "`" + posOf(t, dir, "main.go", text).String() + "`" }
	for _, line := range []string{
		"| stdin | parent → worker | `json.Encoder` at " + at("cmd.StdinPipe()") +
			" | `json.Decoder` on `os.Stdin` at " + at("os.Stdin") + " | `job` |",
		"| stdout | worker → parent | raw bytes at " + at("cmd.StdoutPipe()") +
			" | `json.Encoder` on `os.Stdout` at " + at("os.Stdout") + " | `string` |",
		"Messages to the worker: `job`. Messages to the parent: `string`.",
	} {
		if !strings.Contains(md.String(), line+"\n") {
			t.Errorf("plan does not contain the line\n%s\nin:\n%s", line, md.String())
		}
	}
}
