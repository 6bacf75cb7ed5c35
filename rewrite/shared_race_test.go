package rewrite

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// sharedRaceRuns is how many times TestSharedStateRace runs each migrated
// program; each run has many workers at once, round after round.
const sharedRaceRuns = 5

// TestSharedStateRace migrates each program of testdata/sharedrace, whose
// package variables the workers share once they are goroutines, builds it
// with -race and runs it many times with many workers at once. Every run
// must exit 0, print the want-stdout section exactly and report no data
// race: the variables the rewrite shares (read-only ones as they are,
// caches and the rest behind a mutex, counters as sync/atomic types) and
// those it makes private to each worker are then safe for the goroutines,
// and the answers the program checks are those each worker process gave.
//
// Each archive holds the module, the program's args (one a line), the
// want-levels of TestBehaviour and want-stdout.
func TestSharedStateRace(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs with -race and runs them many times")
	}
	files, err := filepath.Glob(filepath.Join("testdata", "sharedrace", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no cases in testdata/sharedrace")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			runSharedRaceCase(t, name, file)
		})
	}
}

func runSharedRaceCase(t *testing.T, name, file string) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	module := &txtar.Archive{}
	var args []string
	var levels, want string
	for _, f := range ar.Files {
		switch f.Name {
		case behaviourArgs:
			args = strings.Split(strings.TrimSuffix(string(f.Data), "\n"), "\n")
		case behaviourLevels:
			levels = string(f.Data)
		case "want-stdout":
			want = string(f.Data)
		default:
			module.Files = append(module.Files, f)
		}
	}
	if levels == "" || want == "" {
		t.Fatalf("%s needs %s and want-stdout sections", file, behaviourLevels)
	}
	dir := goldenExtract(t, module)

	// Migrate, check what the summary says, and build with -race.
	res, err := Run(Config{Dir: dir, Patterns: []string{"./..."}})
	if err != nil {
		t.Fatalf("rewrite: %v", err)
	}
	if diffs := checkBehaviourLevels(levels, res.Sites); len(diffs) > 0 {
		t.Fatalf("sites differ from %s:\n%s\ngot:\n%s", behaviourLevels, strings.Join(diffs, "\n"), goldenSiteSummary(dir, res.Sites))
	}
	writeResult(t, res)
	bin := filepath.Join(t.TempDir(), name)
	goCmd(t, dir, "vet", "./...")
	goCmd(t, dir, "build", "-race", "-o", bin, ".")

	// Run it again and again.
	for i := 0; i < sharedRaceRuns; i++ {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "GORACE=halt_on_error=1")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if strings.Contains(stderr.String(), "DATA RACE") {
			t.Fatalf("run %d: data race:\n%s", i, stderr.String())
		}
		if err != nil {
			t.Fatalf("run %d: %v\n%s", i, err, stderr.String())
		}
		if stdout.String() != want {
			t.Fatalf("run %d: stdout differs:\n%s", i, goldenDiff([]byte(want), stdout.Bytes()))
		}
	}
}
