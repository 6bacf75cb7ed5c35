package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

// errFindings is returned by check when it reports diagnostics; main maps
// it to exit code 3 without printing anything more.
var errFindings = errors.New("findings reported")

func newCheckCmd(env *cliEnv) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "check [-C dir] [--json] [packages]",
		Short: "Report worker processes that could run as goroutines",
		Long: `check loads the packages (default ./...), including their tests, and runs
the analyzers:

` + suiteHelp() + `

Findings are printed one per line as file:line:col: message (analyzer),
sorted by position, with paths relative to the -C directory. With --json
the output has the shape of "go vet -json":
{"package": {"analyzer": [{"posn": ..., "message": ..., ...}]}}.

Exit codes: 0 nothing found, 3 findings reported, 1 error (including
packages that do not parse or type-check).`,
		Example: `  migrate check
  migrate check -C ./service ./cmd/...
  migrate check --json ./... > findings.json`,
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
			return runCheck(cmd.Context(), env.Stdout, dir, pats, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print findings as JSON in the shape of go vet -json")
	return cmd
}

// suiteHelp lists the analyzers for the help text.
func suiteHelp() string {
	var b strings.Builder
	for i, a := range suite {
		if i > 0 {
			b.WriteByte('\n')
		}
		title, _, _ := strings.Cut(a.Doc, "\n")
		fmt.Fprintf(&b, "  %-12s %s", a.Name, title)
	}
	return b.String()
}

// runCheck analyses the packages matching patterns in dir and prints the
// findings to stdout.
func runCheck(ctx context.Context, stdout io.Writer, dir string, patterns []string, asJSON bool) error {
	pkgs, err := loadPackages(ctx, dir, patterns)
	if err != nil {
		return err
	}
	graph, err := checker.Analyze(suite, pkgs, nil)
	if err != nil {
		return fmt.Errorf("analyze packages: %w", err)
	}

	// Analyse each file once: drop a package whose test variant is a root.
	roots := uniqueRoots(graph.Roots)
	for _, act := range roots {
		if act.Err != nil {
			return fmt.Errorf("analyze %s with %s: %w", act.Package.ID, act.Analyzer.Name, act.Err)
		}
	}

	// Report.
	findings := collectFindings(roots)
	if asJSON {
		g := &checker.Graph{Roots: roots}
		if err := g.PrintJSON(stdout); err != nil {
			return fmt.Errorf("print findings: %w", err)
		}
	} else if err := printFindings(stdout, dir, findings); err != nil {
		return fmt.Errorf("print findings: %w", err)
	}
	if len(findings) > 0 {
		return errFindings
	}
	return nil
}

// loadPackages loads the packages matching patterns, with their tests, in
// the mode the checker needs for suite. A package that does not parse or
// type-check is an error.
func loadPackages(ctx context.Context, dir string, patterns []string) ([]*packages.Package, error) {
	mode := packages.LoadSyntax | packages.NeedModule | packages.NeedForTest
	if needsFacts(suite) {
		mode |= packages.LoadAllSyntax
	}
	cfg := &packages.Config{Context: ctx, Dir: dir, Mode: mode, Tests: true}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("load packages: %w", err)
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("pattern %s matched no packages", strings.Join(patterns, " "))
	}
	if err := firstLoadError(dir, pkgs); err != nil {
		return nil, err
	}
	return pkgs, nil
}

// needsFacts reports whether an analyzer, or one it requires, uses facts
// and so must also run on dependencies, from syntax.
func needsFacts(analyzers []*analysis.Analyzer) bool {
	for _, a := range analyzers {
		if len(a.FactTypes) > 0 || needsFacts(a.Requires) {
			return true
		}
	}
	return false
}

// firstLoadError returns the first error of the packages, dependencies
// before dependents so that the cause comes before its consequences, with
// its position relative to dir. Of a package's errors it prefers one with
// a position.
func firstLoadError(dir string, pkgs []*packages.Package) error {
	var first []packages.Error
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if first == nil && len(p.Errors) > 0 {
			first = p.Errors
		}
	})
	if first == nil {
		return nil
	}
	for _, e := range first {
		if e.Pos != "" && e.Pos != "-" {
			return fmt.Errorf("%s: %s", relPosn(dir, e.Pos), strings.TrimSpace(e.Msg))
		}
	}
	return errors.New(compilerError(dir, first[0].Msg))
}

// compilerError returns the first error line of msg, the output of the
// go command for a package that failed to build:
//
//	# example.com/x
//	./main.go:4:14: cannot use "s" (untyped string constant) as int value
//
// with its file relative to dir. Any other message is returned as is.
func compilerError(dir, msg string) string {
	rest, ok := strings.CutPrefix(strings.TrimSpace(msg), "# ")
	if !ok {
		return strings.TrimSpace(msg)
	}
	_, rest, _ = strings.Cut(rest, "\n")
	line, _, _ := strings.Cut(rest, "\n")
	posn, text, ok := strings.Cut(line, ": ")
	if !ok {
		return strings.TrimSpace(msg)
	}
	return relPosn(dir, posn) + ": " + text
}

// uniqueRoots drops the actions on a package when its in-package test
// variant ("p [p.test]") is also a root, since the variant holds every file
// of the package, and the actions on generated test mains. This is what
// go vet analyses.
func uniqueRoots(roots []*checker.Action) []*checker.Action {
	hasVariant := make(map[string]bool)
	for _, act := range roots {
		if p := act.Package; p.ForTest == p.PkgPath && p.ID != p.PkgPath {
			hasVariant[p.PkgPath] = true
		}
	}
	var out []*checker.Action
	for _, act := range roots {
		p := act.Package
		switch {
		case p.ID == p.PkgPath && hasVariant[p.PkgPath]:
			continue // analysed as its test variant
		case p.Name == "main" && strings.HasSuffix(p.PkgPath, ".test") && p.ForTest == "":
			continue // generated test main
		}
		out = append(out, act)
	}
	return out
}

// finding is one diagnostic of one analyzer.
type finding struct {
	file      string
	line, col int
	message   string
	analyzer  string
}

// collectFindings gathers the diagnostics of the actions, sorted by
// position, reporting each identical diagnostic once.
func collectFindings(roots []*checker.Action) []finding {
	seen := make(map[finding]bool)
	var out []finding
	for _, act := range roots {
		for _, d := range act.Diagnostics {
			posn := act.Package.Fset.Position(d.Pos)
			f := finding{posn.Filename, posn.Line, posn.Column, d.Message, act.Analyzer.Name}
			if seen[f] {
				continue // same file seen through another package variant
			}
			seen[f] = true
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b finding) int {
		return cmp.Or(
			strings.Compare(a.file, b.file),
			cmp.Compare(a.line, b.line),
			cmp.Compare(a.col, b.col),
			strings.Compare(a.analyzer, b.analyzer),
			strings.Compare(a.message, b.message))
	})
	return out
}

// printFindings prints findings in the style of go vet, with file names
// relative to dir.
func printFindings(w io.Writer, dir string, findings []finding) error {
	for _, f := range findings {
		_, err := fmt.Fprintf(w, "%s:%d:%d: %s (%s)\n", relPath(dir, f.file), f.line, f.col, f.message, f.analyzer)
		if err != nil {
			return err
		}
	}
	return nil
}
