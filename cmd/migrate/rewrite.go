package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/aymanbagabas/go-udiff"
	"github.com/spf13/cobra"

	"github.com/procmigrate/procmigrate/internal/loaderr"
	"github.com/procmigrate/procmigrate/rewrite"
)

func newRewriteCmd(env *cliEnv) *cobra.Command {
	var write bool
	cmd := &cobra.Command{
		Use:   "rewrite [-C dir] [--write] [packages]",
		Short: "Rewrite worker processes into goroutines",
		Long: `rewrite converts each worker spawn site in the packages (default ./...)
as far as it safely can: to typed channels, to in-process pipes that keep
the wire protocol, or not at all, and says which and why.

Without --write it prints a unified diff of every changed file to stdout
and changes nothing. With --write it replaces the files: every new file is
written and synced to a temporary file next to the original first, and only
when all of them are written are they renamed over the originals. On an
error or an interrupt before that point nothing is changed.

A summary line per spawn site goes to stderr, followed by indented notes.
Exit codes: 0 success (whether or not anything changed), 1 error.`,
		Example: `  migrate rewrite ./...
  migrate rewrite -C testdata/agentswarm ./...
  migrate rewrite --write ./cmd/server`,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := env.moduleDir()
			if err != nil {
				return err
			}
			pats, err := patterns(dir, args)
			if err != nil {
				return err
			}
			return runRewrite(cmd.Context(), env, dir, pats, write)
		},
	}
	cmd.Flags().BoolVar(&write, "write", false, "write the changes to the files instead of printing a diff")
	return cmd
}

// runRewrite computes the rewrite of the packages matching patterns in
// dir, then prints it as a diff or writes it, and summarizes it.
func runRewrite(ctx context.Context, env *cliEnv, dir string, patterns []string, write bool) error {
	// TODO(procmigrate): count packages; rewrite.Config has no hook yet.
	prog := env.progress()
	prog.printf("loading and rewriting packages...")
	res, err := env.Rewrite(rewrite.Config{Dir: dir, Patterns: patterns})
	prog.done()
	if err != nil {
		return relError(dir, err)
	}
	files := slices.Clone(res.Files)
	slices.SortFunc(files, func(a, b rewrite.File) int { return strings.Compare(a.Path, b.Path) })

	// Apply or show the changes.
	if write {
		// Catch interrupts only now: before this point nothing is
		// written and the default behaviour is right.
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		if err := writeFiles(ctx, env.FS, dir, files); err != nil {
			return err
		}
	} else if err := printDiffs(env.Stdout, dir, files); err != nil {
		return fmt.Errorf("print diff: %w", err)
	}

	if err := printSites(env.Stderr, dir, res.Sites); err != nil {
		return fmt.Errorf("print summary: %w", err)
	}
	return nil
}

// printDiffs prints a unified diff of each changed file, with paths
// relative to dir as git does: a/path and b/path.
func printDiffs(w io.Writer, dir string, files []rewrite.File) error {
	for _, f := range files {
		if string(f.Old) == string(f.New) {
			continue // unchanged
		}
		rel := relPath(dir, f.Path)
		oldLabel := "a/" + rel
		if _, err := os.Lstat(f.Path); errors.Is(err, fs.ErrNotExist) {
			oldLabel = "/dev/null" // new file
		}
		if _, err := io.WriteString(w, udiff.Unified(oldLabel, "b/"+rel, string(f.Old), string(f.New))); err != nil {
			return err
		}
	}
	return nil
}

// printSites prints one line per spawn site, in position order, saying how
// far it was converted and why not further, then its notes indented.
func printSites(w io.Writer, dir string, sites []rewrite.Site) error {
	sites = slices.Clone(sites)
	slices.SortFunc(sites, func(a, b rewrite.Site) int {
		return cmp.Or(
			strings.Compare(a.Pos.Filename, b.Pos.Filename),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column))
	})
	var b strings.Builder
	if len(sites) == 0 {
		b.WriteString("no worker processes that re-execute this binary were found\n")
	}
	for _, s := range sites {
		pos := s.Pos
		pos.Filename = relPath(dir, pos.Filename)
		b.WriteString(pos.String() + ": ")
		if s.Role != "" {
			fmt.Fprintf(&b, "role %q: ", s.Role)
		}
		b.WriteString(levelText(s.Level))
		if s.Reason != "" {
			b.WriteString(": " + s.Reason)
		}
		b.WriteByte('\n')
		for _, note := range s.Notes {
			b.WriteString("\t" + note + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// levelText says what happened to a site converted to level.
func levelText(level rewrite.Level) string {
	switch level {
	case rewrite.Unchanged:
		return "left unchanged"
	case rewrite.InProcess:
		return "converted in-process"
	case rewrite.TypedChannels:
		return "converted to typed channels"
	}
	return fmt.Sprintf("converted to level %d", level)
}

// relError shortens the absolute paths under dir in err's message to
// paths relative to dir, as the rest of the output prints them, and keeps
// only the first error of compiler output.
func relError(dir string, err error) error {
	if _, ok := loaderr.As(err); ok {
		return relLoadError(dir, err)
	}
	msg := err.Error()
	short := strings.ReplaceAll(compilerError(dir, msg), dir+string(os.PathSeparator), "")
	if short == msg {
		return err
	}
	return &shortError{msg: short, err: err}
}

type shortError struct {
	msg string
	err error
}

func (e *shortError) Error() string { return e.msg }
func (e *shortError) Unwrap() error { return e.err }
