package execworker_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/procmigrate/procmigrate/analyzers/execworker"
)

// vettoolEnv, set in the environment of this test binary, makes it a go
// vet tool running the analyzer, which TestVet needs.
const vettoolEnv = "EXECWORKER_TEST_VETTOOL"

func TestMain(m *testing.M) {
	if os.Getenv(vettoolEnv) == "1" {
		unitchecker.Main(execworker.Analyzer) // does not return
	}
	os.Exit(m.Run())
}

// Test runs the GOPATH fixtures, in one load: each load type-checks the
// standard library from source.
func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), execworker.Analyzer,
		// Workers.
		"agentswarm", "args0", "procself", "params", "aliased", "dotimport",
		// Workers, some under //nolint or in a generated file.
		"nolint",
		// Nothing to report, but for one worker in a test file.
		"external", "helperproc", "noexec", "shadowed", "params/lib",
		// Spawn forms other than exec.Command, and the running binary
		// found through exec.LookPath.
		"cmdlit", "startprocess", "forkexec", "lookpath",
		// Roles told by a flag, the environment, a cobra subcommand and
		// argv[0] registries.
		"flagrole", "envrole", "cobrarole", "reexecrole", "multicall",
		// Workers whose role's branch calls into C.
		"cgoserve",
		// Workers that must stay processes.
		"boundary",
		// Worker entries in other packages of the module, and the facts
		// that carry their isolation across packages.
		"fleetd/cmd/fleetd", "fleetd/jail", "fleetd/privs", "fleetd/agent")
}

// TestExternalFlag checks -execworker.external reports other programs.
func TestExternalFlag(t *testing.T) {
	setFlag(t, "external", "true")
	analysistest.Run(t, analysistest.TestData(), execworker.Analyzer, "externalflag")
}

// setFlag sets a flag of the analyzer for the rest of the test.
func setFlag(t *testing.T, name, value string) {
	t.Helper()
	f := execworker.Analyzer.Flags.Lookup(name)
	if f == nil {
		t.Fatalf("no flag -%s", name)
	}
	old := f.Value.String()
	if err := f.Value.Set(value); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Value.Set(old) })
}

// TestModule covers, in module mode, binaries built from other main
// packages of the module and roles served by its other packages.
func TestModule(t *testing.T) {
	analysistest.Run(t, filepath.Join(analysistest.TestData(), "fleet"), execworker.Analyzer, "./...")
}

// TestVet runs the analyzer under go vet on the module of TestModule: go
// vet runs it once per package and serializes the facts between runs,
// and gives it the module's path but not its directory.
func TestVet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	vet := func(args ...string) string {
		cmd := exec.Command("go", append([]string{"vet", "-vettool=" + exe}, args...)...)
		cmd.Dir = filepath.Join(analysistest.TestData(), "fleet")
		cmd.Env = append(os.Environ(), vettoolEnv+"=1", "GOPROXY=off", "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
		out, err := cmd.CombinedOutput()
		if _, ok := err.(*exec.ExitError); !ok && err != nil {
			t.Fatalf("go vet: %v", err)
		}
		return string(out)
	}

	// Every diagnostic, exactly: the facts of agent and sandbox cross the
	// process boundary, and the module's main packages are found from
	// the go.mod above the files.
	const candidate = "; a candidate to run as a goroutine"
	const importable = candidate + " once its code is in a package the parent can import"
	want := []string{
		`cmd/supervisor/spawn.go:18:7: worker spawned with exec.Command runs ./bin/worker, built from main package example.com/fleet/cmd/worker of this module` + importable,
		`cmd/supervisor/spawn.go:30:12: worker spawned with exec.Command runs reaper beside this binary, built from main package example.com/fleet/cmd/reaper of this module` + importable,
		`cmd/supervisor/spawn.go:34:9: worker spawned with exec.Command runs go run ./cmd/worker, built from main package example.com/fleet/cmd/worker of this module` + importable,
		`cmd/supervisor/spawn.go:38:12: keep as a process: worker spawned with exec.Command runs bin/reaper, built from main package example.com/fleet/cmd/reaper of this module; the child runs as another user (SysProcAttr.Credential)`,
		`cmd/supervisor/spawn.go:45:12: worker spawned with exec.Command re-executes this binary (os.Executable()) as role "agent" served by agent.Serve` + candidate,
		`cmd/supervisor/spawn.go:48:12: keep as a process: worker spawned with exec.Command re-executes this binary (os.Executable()) as role "sandbox" served by sandbox.Run; the child changes its root directory with syscall.Chroot in sandbox.enter`,
	}
	if got := diagnostics(vet("./...")); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("go vet reported:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// -execworker.external adds the other programs.
	got := diagnostics(vet("-execworker.external", "./cmd/supervisor"))
	want = append(want,
		`cmd/supervisor/spawn.go:55:2: exec.Command starts another program, "./bin/gen", not a worker of this module`,
		`cmd/supervisor/spawn.go:56:2: exec.Command starts another program, filepath.Join(filepath.Dir(exe), "helper"), not a worker of this module`,
		`cmd/supervisor/spawn.go:57:2: exec.Command starts another program, "./bin/jq", not a worker of this module`,
		`cmd/supervisor/spawn.go:58:2: exec.Command starts another program, "worker", not a worker of this module`,
	)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("go vet -execworker.external reported:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// diagnostics returns the lines of go vet's output that report a finding,
// leaving out the package headers.
func diagnostics(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestCategories checks each kind of start has its own category, which
// JSON and SARIF output carry: a re-exec whose role's code is not found is
// not a migratable worker.
func TestCategories(t *testing.T) {
	setFlag(t, "external", "true")
	want := map[string]string{
		"args0/args0.go:18":       "worker",
		"args0/args0.go:19":       "worker",
		"args0/args0.go:20":       "worker",
		"args0/args0.go:21":       "unresolved",
		"args0/args0.go:24":       "unresolved",
		"args0/args0.go:27":       "unresolved",
		"boundary/spawn.go:12":    "boundary",
		"boundary/spawn.go:55":    "worker",
		"boundary/spawn.go:66":    "boundary",
		"externalflag/main.go:17": "external",
		"externalflag/main.go:25": "worker",
	}
	results := analysistest.Run(t, analysistest.TestData(), execworker.Analyzer, "args0", "boundary", "externalflag")
	got := make(map[string]string)
	for _, r := range results {
		for _, d := range r.Diagnostics {
			p := r.Pass.Fset.Position(d.Pos)
			got[fmt.Sprintf("%s/%s:%d", filepath.Base(filepath.Dir(p.Filename)), filepath.Base(p.Filename), p.Line)] = d.Category
		}
	}
	for at, cat := range want {
		if got[at] != cat {
			t.Errorf("%s: category %q, want %q", at, got[at], cat)
		}
	}
}
