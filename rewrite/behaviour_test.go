package rewrite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
)

// Each testdata/behaviour/NAME.txtar is a small worker program that the
// rewriter must migrate without changing what it does. Its comment says
// what the case is about; its sections are:
//
//	go.mod, *.go   the module, a main package at its root, rewritten as "./..."
//	args           the program's arguments, one a line (optional)
//	stdin          the program's standard input (optional)
//	race           present when the migrated program is built with -race
//	want-levels    the expected sites, one a line, in the order of Result.Sites:
//	                   role "NAME": LEVEL
//	                   role "NAME": LEVEL: text the reason contains
//	               each optionally followed by lines
//	                   	note: text one of the site's notes contains
//	               where "..." in a text stands for any text. Positions are
//	               best given as "file.go:LINE:", leaving the column out.
//
// The test builds and runs the original program, migrates it with Run,
// checks the levels, builds the result (go vet clean) and runs it the same
// way. Standard output and the exit code must be the same byte for byte;
// standard error after behaviourNormalize. A second Run must change nothing.
//
// Every case pays for two builds and a vet, so the programs are few and
// small; they share the user's build cache. -race costs a build of the
// standard library with the race detector and slows the run, so only half
// of the cases ask for it: those where the parent's goroutines and the
// workers share the most (pipes drained by helper goroutines, buffers
// handed over as a worker's stderr, restarts, cancellation).
func TestBehaviour(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "behaviour", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no cases in testdata/behaviour")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runBehaviourCase(t, name, file)
		})
	}
}

// behaviourKnownWrong lists the cases that show a rewriter bug, each with
// the bug. Such a case is skipped while its migrated program behaves
// differently, and fails once it behaves as the original, so the mark is
// taken out together with the fix. Its want-levels section holds the
// level the fix is expected to give; a fix may choose another, and then
// updates it.
var behaviourKnownWrong = map[string]string{}

// Names of the sections that are not files of the module.
const (
	behaviourArgs   = "args"
	behaviourStdin  = "stdin"
	behaviourRace   = "race"
	behaviourLevels = "want-levels"
)

// behaviourCase is one archive, split into the module and the rest.
type behaviourCase struct {
	module *txtar.Archive
	args   []string
	stdin  []byte
	race   bool
	levels string
}

func parseBehaviourCase(t *testing.T, file string) *behaviourCase {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	c := &behaviourCase{module: &txtar.Archive{}}
	hasLevels := false
	for _, f := range ar.Files {
		switch f.Name {
		case behaviourArgs:
			c.args = strings.Split(strings.TrimSuffix(string(f.Data), "\n"), "\n")
		case behaviourStdin:
			c.stdin = f.Data
		case behaviourRace:
			c.race = true
		case behaviourLevels:
			c.levels, hasLevels = string(f.Data), true
		default:
			c.module.Files = append(c.module.Files, f)
		}
	}
	if !hasLevels {
		t.Fatalf("%s has no %s section", file, behaviourLevels)
	}
	return c
}

func runBehaviourCase(t *testing.T, name, file string) {
	c := parseBehaviourCase(t, file)
	dir := goldenExtract(t, c.module)
	// Both builds go to one path: a worker's argv[0] is the binary's path,
	// and it shows in flag usage messages.
	bin := filepath.Join(t.TempDir(), name)

	// Run the original.
	goCmd(t, dir, "build", "-o", bin, ".")
	before, err := runBehaviourProgram(t.TempDir(), bin, c)
	if err != nil {
		t.Fatalf("original: %v", err)
	}

	// Migrate it and run the result. Problems are gathered, so that a case
	// known to be wrong can be skipped as a whole.
	problems, differs := checkBehaviourMigrated(t, dir, bin, c, before)

	// A known bug is fixed once the program behaves as before, whatever
	// the fix made of the site's level.
	todo, knownWrong := behaviourKnownWrong[name]
	switch {
	case knownWrong && differs:
		for _, p := range problems {
			t.Log(p)
		}
		t.Skip(todo)
	case knownWrong:
		t.Errorf("the migrated program now behaves as the original; check %s and take %s out of behaviourKnownWrong", behaviourLevels, name)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// checkBehaviourMigrated migrates the program in dir, builds it to bin,
// runs it and returns what is wrong, and whether the migrated program
// fails to build or run as the original did in before.
func checkBehaviourMigrated(t *testing.T, dir, bin string, c *behaviourCase, before behaviourRun) (problems []string, differs bool) {
	report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	differ := func(format string, args ...any) {
		differs = true
		report(format, args...)
	}

	// Migrate.
	res, err := Run(Config{Dir: dir, Patterns: []string{"./..."}})
	if err != nil {
		t.Fatalf("rewrite: %v", err)
	}
	if diffs := checkBehaviourLevels(c.levels, res.Sites); len(diffs) > 0 {
		report("sites differ from %s:\n%s\ngot:\n%s", behaviourLevels, strings.Join(diffs, "\n"), goldenSiteSummary(dir, res.Sites))
	}
	writeResult(t, res)

	// Build and run the result the same way.
	build := []string{"build", "-o", bin}
	if c.race {
		build = append(build, "-race")
	}
	for _, args := range [][]string{{"vet", "./..."}, append(build, ".")} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			differ("migrated: go %s: %v\n%s", strings.Join(args, " "), err, out)
			return problems, differs
		}
	}
	after, err := runBehaviourProgram(t.TempDir(), bin, c)
	if err != nil {
		differ("migrated: %v", err)
		return problems, differs
	}
	if after.code != before.code {
		differ("exit code %d, the original exits %d", after.code, before.code)
	}
	if after.stdout != before.stdout {
		differ("stdout differs:\n%s", goldenDiff([]byte(before.stdout), []byte(after.stdout)))
	}
	if b, a := behaviourNormalize(before.stderr), behaviourNormalize(after.stderr); a != b {
		differ("stderr differs after normalizing:\n%s", goldenDiff([]byte(b), []byte(a)))
	}
	if differs {
		report("the original's stderr:\n%s\nthe migrated program's stderr:\n%s", before.stderr, after.stderr)
	}

	// A second run changes nothing.
	again, err := Run(Config{Dir: dir, Patterns: []string{"./..."}})
	if err != nil {
		report("second rewrite: %v", err)
		return problems, differs
	}
	for _, f := range again.Files {
		report("second rewrite changes %s:\n%s", goldenRel(dir, f.Path), goldenDiff(f.Old, f.New))
	}
	return problems, differs
}

// behaviourRun is what one run of a program did.
type behaviourRun struct {
	stdout, stderr string
	code           int
}

// behaviourTimeout bounds one run of a program: a case that deadlocks
// fails instead of hanging the test binary.
const behaviourTimeout = time.Minute

// runBehaviourProgram runs bin with the case's arguments and input in
// workDir, a fresh directory, so that files a program writes are its own.
// An error means it did not run to an exit status of its own.
func runBehaviourProgram(workDir, bin string, c *behaviourCase) (behaviourRun, error) {
	ctx, cancel := context.WithTimeout(context.Background(), behaviourTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, c.args...)
	cmd.Dir = workDir
	// A child that panics prints its other goroutines too under
	// GOTRACEBACK=all, which a worker goroutine cannot; the default is
	// what the comparison assumes, whatever the test's environment says.
	cmd.Env = append(os.Environ(), "GOTRACEBACK=single")
	cmd.Stdin = bytes.NewReader(c.stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	run := behaviourRun{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return run, fmt.Errorf("%s did not finish in %v\nstdout:\n%s\nstderr:\n%s", filepath.Base(bin), behaviourTimeout, &stdout, &stderr)
	case errors.As(err, &exit) && exit.Exited():
	case err != nil:
		return run, fmt.Errorf("run %s: %v\nstderr:\n%s", filepath.Base(bin), err, &stderr)
	}
	run.code = cmd.ProcessState.ExitCode()
	return run, nil
}

// checkBehaviourLevels compares the sites with a want-levels section and
// returns what differs.
func checkBehaviourLevels(want string, sites []Site) []string {
	type wantSite struct {
		head, reason string
		notes        []string
	}
	var ws []*wantSite
	var problems []string
	for _, line := range strings.Split(strings.TrimRight(want, "\n"), "\n") {
		if note, ok := strings.CutPrefix(line, "\tnote: "); ok && len(ws) > 0 {
			ws[len(ws)-1].notes = append(ws[len(ws)-1].notes, note)
			continue
		}
		// role "NAME": LEVEL[: reason]
		rest, ok := strings.CutPrefix(line, "role ")
		role, err := strconv.QuotedPrefix(rest)
		if !ok || err != nil || !strings.HasPrefix(rest[len(role):], ": ") {
			return []string{fmt.Sprintf("malformed line %q", line)}
		}
		level, reason, _ := strings.Cut(rest[len(role)+2:], ": ")
		ws = append(ws, &wantSite{head: "role " + role + ": " + level, reason: reason})
	}
	if len(ws) != len(sites) {
		return []string{fmt.Sprintf("%d sites, want %d", len(sites), len(ws))}
	}
	for i, s := range sites {
		w := ws[i]
		if head := fmt.Sprintf("role %q: %s", s.Role, goldenLevel(s.Level)); head != w.head {
			problems = append(problems, fmt.Sprintf("site %d is %s, want %s", i+1, head, w.head))
		}
		if !behaviourContains(s.Reason, w.reason) {
			problems = append(problems, fmt.Sprintf("site %d: reason %q does not contain %q", i+1, s.Reason, w.reason))
		}
		for _, n := range w.notes {
			if !slices.ContainsFunc(s.Notes, func(note string) bool { return behaviourContains(note, n) }) {
				problems = append(problems, fmt.Sprintf("site %d: no note contains %q", i+1, n))
			}
		}
	}
	return problems
}

// behaviourContains reports whether text contains the parts of want
// between "..." in order.
func behaviourContains(text, want string) bool {
	for _, part := range strings.Split(want, "...") {
		i := strings.Index(text, part)
		if i < 0 {
			return false
		}
		text = text[i+len(part):]
	}
	return true
}

// behaviourGoroutine is the header of a goroutine's stack in a panic
// report, after whatever prefix a parent put in front of a worker's lines.
var behaviourGoroutine = regexp.MustCompile(`^(.*)goroutine \d+ \[[^\]]*\]:$`)

// behaviourNormalize drops the goroutine stacks from a program's standard
// error. A panicking child prints the stack of its goroutine 1, from main
// down; a panicking in-process worker prints the stack of its own
// goroutine, from the runtime's recover down, under another number. The
// frames differ by design, so a stack is cut from its header line through
// its last frame: each frame is a function line followed by a line that
// starts with a tab, both behind the header's prefix. The "panic: " line
// and everything else stay as they are. Not normalized, since no case
// panics so: the "[signal SIGSEGV: ...]" line a child prints under a nil
// dereference, which a recovered panic has no counterpart for.
func behaviourNormalize(stderr string) string {
	lines := strings.SplitAfter(stderr, "\n")
	var out strings.Builder
	for i := 0; i < len(lines); i++ {
		m := behaviourGoroutine.FindStringSubmatch(strings.TrimSuffix(lines[i], "\n"))
		if m == nil {
			out.WriteString(lines[i])
			continue
		}
		i = behaviourStackEnd(lines, i, m[1])
		fmt.Fprintf(&out, "%s[goroutine stack]\n", m[1])
	}
	return out.String()
}

// behaviourStackEnd returns the index of the last line of the stack whose
// header is lines[i].
func behaviourStackEnd(lines []string, i int, prefix string) int {
	for {
		switch {
		case i+1 < len(lines) && lines[i+1] == prefix+"...additional frames elided...\n":
			i++
		case i+2 < len(lines) && strings.HasPrefix(lines[i+1], prefix) && strings.HasPrefix(lines[i+2], prefix+"\t"):
			i += 2
		default:
			return i
		}
	}
}

// TestBehaviourNormalize pins what the normalization cuts: the stacks, and
// nothing else.
func TestBehaviourNormalize(t *testing.T) {
	child := "[w2] panic: poison task 7\n[w2] \n[w2] goroutine 1 [running]:\n" +
		"[w2] main.handle(...)\n[w2] \t/tmp/x/worker.go:31\n" +
		"[w2] main.main()\n[w2] \t/tmp/x/main.go:20 +0x1d\n" +
		"after: exit status 2\n"
	inproc := "[w2] panic: poison task 7\n[w2] \n[w2] goroutine 23 [running]:\n" +
		"[w2] main.(*inprocCmd).run.func1()\n[w2] \t/tmp/y/procmigrate_inproc.go:241 +0x8c\n" +
		"[w2] panic({0x4d2f60?, 0xc000012345?})\n[w2] \t/usr/local/go/src/runtime/panic.go:785 +0x132\n" +
		"[w2] ...additional frames elided...\n" +
		"[w2] created by main.(*inprocCmd).Start in goroutine 7\n[w2] \t/tmp/y/procmigrate_inproc.go:160 +0x1f5\n" +
		"after: exit status 2\n"
	want := "[w2] panic: poison task 7\n[w2] \n[w2] [goroutine stack]\nafter: exit status 2\n"
	for _, in := range []string{child, inproc} {
		if got := behaviourNormalize(in); got != want {
			t.Errorf("behaviourNormalize(%q) =\n%s\nwant\n%s", in, got, want)
		}
	}
	plain := "worker 1: exit status 3\nfoo\n\tbar\n"
	if got := behaviourNormalize(plain); got != plain {
		t.Errorf("behaviourNormalize changed text with no stack: %q", got)
	}
}

// TestBehaviourLevels pins the matching of want-levels.
func TestBehaviourLevels(t *testing.T) {
	sites := []Site{
		{Role: "worker", Level: TypedChannels, Notes: []string{"os.Exit at worker.go:9:3 now ends the worker worker alone"}},
		{Role: "guard", Level: Unchanged, Reason: "worker code calls os.Exit at guard.go:12:3 and recovers panics at guard.go:8:6"},
		{Role: "relay", Level: Unchanged, Reason: `the branch for role "relay": jumps at main.go:9:3`},
	}
	ok := "role \"worker\": TypedChannels\n\tnote: now ends the worker worker alone\n" +
		"role \"guard\": Unchanged: os.Exit at guard.go:12:...recovers panics\n" +
		"role \"relay\": Unchanged: role \"relay\": jumps\n"
	if p := checkBehaviourLevels(ok, sites); len(p) > 0 {
		t.Errorf("matching levels reported: %q", p)
	}
	// Each of these is wrong in one way; the third site is always right.
	for _, bad := range []string{
		"role \"worker\": TypedChannels\nrole \"relay\": Unchanged\n",
		"role \"worker\": InProcess\nrole \"guard\": Unchanged\nrole \"relay\": Unchanged\n",
		"role \"worker\": TypedChannels\n\tnote: deferred\nrole \"guard\": Unchanged\nrole \"relay\": Unchanged\n",
		"role \"worker\": TypedChannels\nrole \"guard\": Unchanged: goroutine\nrole \"relay\": Unchanged\n",
		"role \"worker\": TypedChannels\nrole \"guard\": Unchanged: recovers panics...os.Exit\nrole \"relay\": Unchanged\n",
		"worker TypedChannels\nrole \"guard\": Unchanged\nrole \"relay\": Unchanged\n",
		"role \"worker\" TypedChannels\nrole \"guard\": Unchanged\nrole \"relay\": Unchanged\n",
		"role \"worker\": TypedChannels\nrole \"relay\": Unchanged\nrole \"guard\": Unchanged\n",
	} {
		if p := checkBehaviourLevels(bad, sites); len(p) == 0 {
			t.Errorf("checkBehaviourLevels(%q) found nothing wrong", bad)
		}
	}
}
