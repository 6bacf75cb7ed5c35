package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/procmigrate/procmigrate/rewrite"
)

// cliEnv is what a command may touch of the outside world. main fills it
// from the process; nothing else reads os.Stdout, os.Stderr or the working
// directory.
type cliEnv struct {
	Stdout io.Writer
	Stderr io.Writer
	Dir    string // working directory that -C is resolved against

	// Rewrite computes a rewrite; main sets it to rewrite.Run.
	Rewrite func(rewrite.Config) (*rewrite.Result, error)

	// StderrIsTerminal reports whether Stderr is a terminal, the only
	// place progress is shown; nil means it is not.
	StderrIsTerminal func() bool

	// FS is the file system rewrite --write writes through; nil is the
	// operating system's. Tests make it fail or pause.
	FS fileSystem

	chdir string // value of the -C flag
}

func newRootCmd(env *cliEnv) *cobra.Command {
	root := &cobra.Command{
		Use:   "migrate",
		Short: "Find and migrate self-re-executing worker processes to goroutines",
		Long: `migrate finds Go programs that run worker agents by re-executing their own
binary with os/exec and talking to them over stdin/stdout pipes, and rewrites
those workers into goroutines connected by in-memory pipes or typed channels.

The analyzers, run by check, and by go vet and go fix when given
-vettool=$(command -v migrate) or -fixtool=$(command -v migrate):

` + suiteHelp() + `

Under go vet and go fix, -NAME runs only the analyzers so named and
-NAME=false every analyzer but NAME; "migrate -flags" prints these flags
as the go command reads them.

Exit codes: 0 success, 1 error, 3 check found something.`,
		Example: `  migrate check ./...
  migrate rewrite -C ./service ./...
  migrate rewrite --write ./cmd/server`,
		Version:       moduleVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.PersistentFlags().StringVarP(&env.chdir, "dir", "C", "",
		"run as if started in `dir` (must be inside a Go module)")
	root.AddCommand(newCheckCmd(env), newRewriteCmd(env), newPlanCmd(env), newLSPCmd(env))
	return root
}

// goHelpFlag returns args with each -help turned into --help. go vet's
// usage message tells users to run "migrate -help", the spelling of Go's
// flag package, but cobra reads a single dash as shorthand flags, -h -e -l
// -p, and fails on the e. Arguments after "--" are left as they are.
func goHelpFlag(args []string) []string {
	out := slices.Clone(args)
	for i, arg := range out {
		if arg == "--" {
			break
		}
		if arg == "-help" {
			out[i] = "--help"
		}
	}
	return out
}

// moduleVersion is the version of the module the binary was built from,
// as buildVersion words it.
func moduleVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	return buildVersion(info)
}

// buildVersion words the version of the main module of info: its module
// version when it has one, as for go install of a tagged release, or else
// "(devel)" followed by the commit the go command stamped into a build
// from a checkout, shortened as git shortens it, and "+dirty" when the
// checkout had changes:
//
//	v1.2.0
//	(devel) 3c160ea1b2c4+dirty
//	(devel)                    built without version control information
func buildVersion(info *debug.BuildInfo) string {
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var revision, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if revision == "" {
		return "(devel)"
	}
	v := "(devel) " + revision[:min(len(revision), 12)]
	if modified == "true" {
		v += "+dirty"
	}
	return v
}

// moduleDir resolves the -C flag to an absolute directory and checks that
// it lies inside a Go module, so that a bad directory is reported as such
// rather than as whatever the go command makes of it.
func (env *cliEnv) moduleDir() (string, error) {
	dir := env.chdir
	if dir == "" {
		dir = env.Dir
	} else if !filepath.IsAbs(dir) {
		dir = filepath.Join(env.Dir, dir)
	}
	dir = filepath.Clean(dir)

	// Check the directory.
	info, err := os.Stat(dir)
	if err != nil {
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			err = pathErr.Err
		}
		return "", fmt.Errorf("open directory %s: %w", dir, err)
	}
	if !info.IsDir() {
		return "", fmt.Errorf("open directory %s: not a directory", dir)
	}

	// Find go.mod here or above.
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return dir, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%s is not inside a Go module (no go.mod)", dir)
		}
	}
}

// patterns returns the package patterns of a command line, "./..." when
// there are none, after checking that each directory pattern (./x, ../x/...,
// /abs/x) names a directory that exists under dir: the go command would
// otherwise report it in words of its own, or not at all.
func patterns(dir string, args []string) ([]string, error) {
	if len(args) == 0 {
		return []string{"./..."}, nil
	}
	for _, p := range args {
		root, ok := patternDir(p)
		if !ok {
			continue // an import path, or a wildcard inside a name
		}
		if !filepath.IsAbs(root) {
			root = filepath.Join(dir, root)
		}
		if info, err := os.Stat(root); err != nil || !info.IsDir() {
			return nil, fmt.Errorf("pattern %s matched no packages", p)
		}
	}
	return args, nil
}

// patternDir returns the directory a file system pattern is rooted at:
// "." for "./...", "x" for "./x".
func patternDir(pattern string) (string, bool) {
	local := pattern == "." || pattern == ".." || filepath.IsAbs(pattern) ||
		strings.HasPrefix(pattern, "./") || strings.HasPrefix(pattern, "../")
	if !local {
		return "", false
	}
	root := strings.TrimSuffix(pattern, "/...")
	if root == "." || root == "" {
		return ".", true
	}
	if strings.Contains(root, "...") {
		return "", false
	}
	return root, true
}
