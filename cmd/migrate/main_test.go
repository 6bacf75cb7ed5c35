package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts run "migrate" as a program: the test binary,
// started under that name, runs main.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"migrate": main})
}

// TestScripts runs testdata/script/*.txtar.
func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams(t, "testdata/script"))
}

// scriptParams runs the scripts in dir with the go command configured from
// the outer environment (caches, module cache, flags) and without network.
func scriptParams(t *testing.T, dir string) testscript.Params {
	goEnv := outerGoEnv(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatalf("find the module root: %v", err)
	}
	return testscript.Params{
		Dir:                 dir,
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			for k, v := range goEnv {
				e.Setenv(k, v)
			}
			e.Setenv("GOPROXY", "off")
			e.Setenv("GOTOOLCHAIN", "local")
			e.Setenv("GOWORK", "off")
			// Scripts may build the migrate users install from here.
			e.Setenv("PROCMIGRATE_ROOT", root)
			// A race-enabled migrate would otherwise sleep a second at
			// every exit, and go vet runs it once per package.
			e.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": cmdExitcode,
		},
	}
}

// outerGoEnv returns the go command settings the scripts inherit.
func outerGoEnv(t *testing.T) map[string]string {
	t.Helper()
	out, err := exec.Command("go", "env", "-json", "GOCACHE", "GOPATH", "GOMODCACHE", "GOFLAGS").Output()
	if err != nil {
		t.Fatalf("run go env: %v", err)
	}
	env := make(map[string]string)
	if err := json.Unmarshal(out, &env); err != nil {
		t.Fatalf("decode go env: %v", err)
	}
	if home, err := os.UserHomeDir(); err == nil {
		env["HOME"] = home
	}
	return env
}

// cmdExitcode implements "exitcode N prog args...": run prog like exec and
// require exit status N, keeping stdout and stderr for the next commands.
func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exitcode")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N prog [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: bad status %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = exitErr.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}
