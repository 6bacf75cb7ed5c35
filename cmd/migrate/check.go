package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"go/token"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/procmigrate/procmigrate/internal/loaderr"
)

// errFindings is returned by check when it reports diagnostics; main maps
// it to exit code 3 without printing anything more.
var errFindings = errors.New("findings reported")

func newCheckCmd(env *cliEnv) *cobra.Command {
	format := formatText
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "check [-C dir] [--format=text|json|sarif] [packages]",
		Short: "Report worker processes that could run as goroutines",
		Long: `check loads the packages (default ./...), including their tests, and runs
the analyzers:

` + suiteHelp() + `

--format chooses the output, which goes to stdout:

  text   one finding per line as file:line:col: message (analyzer), sorted
         by position, with paths relative to the -C directory (the default)
  json   the shape of "go vet -json":
         {"package": {"analyzer": [{"posn": ..., "message": ..., ...}]}}
  sarif  a SARIF 2.1.0 log for code scanning, such as GitHub's, with paths
         relative to the -C directory (%SRCROOT%)

On a terminal, stderr shows how many packages are loaded and analysed.

Exit codes, the same in every format: 0 nothing found, 3 findings
reported, 1 error (including packages that do not parse or type-check:
the first such error is one line on stderr, after the findings of the
packages that did).`,
		Example: `  migrate check
  migrate check -C ./service ./cmd/...
  migrate check --format=json ./... > findings.json
  migrate check --format=sarif ./... > migrate.sarif`,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON {
				if cmd.Flags().Changed("format") && format != formatJSON {
					return fmt.Errorf("--json and --format=%s disagree; use --format alone", format)
				}
				format = formatJSON
			}
			dir, err := env.moduleDir()
			if err != nil {
				return err
			}
			pats, err := patterns(dir, args)
			if err != nil {
				return err
			}
			return runCheck(cmd.Context(), env.Stdout, env.progress(), dir, pats, format)
		},
	}
	cmd.Flags().Var(&format, "format", "print findings in `format`: text, json (as go vet -json) or sarif (SARIF 2.1.0)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "same as --format=json")
	// Scripts written before --format keep working, but help shows
	// one way to ask for JSON.
	if err := cmd.Flags().MarkHidden("json"); err != nil {
		panic(err) // the flag is defined just above
	}
	err := cmd.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var names []cobra.Completion
		for _, f := range outputFormats {
			names = append(names, string(f))
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	})
	if err != nil {
		panic(err) // the flag is defined just above
	}
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
// findings to stdout in format, showing its progress on prog.
func runCheck(ctx context.Context, stdout io.Writer, prog *progress, dir string, patterns []string, format outputFormat) error {
	defer prog.done()
	prog.printf("loading packages...")
	pkgs, err := loadAllPackages(ctx, dir, patterns)
	if err != nil {
		return err
	}

	// Report on the packages that loaded; a broken one fails the run at
	// the end, after their findings, which the user still wants to see.
	loadErr := firstLoadError(dir, pkgs)
	pkgs = loadedPackages(pkgs)
	if len(pkgs) == 0 {
		return loadErr
	}
	graph, err := analyze(suite, pkgs, prog.counter("analysing packages", len(pkgs)))
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
	prog.done()
	findings := collectFindings(roots)
	if err := printReport(stdout, format, suite, dir, roots, findings); err != nil {
		return fmt.Errorf("print findings: %w", err)
	}
	if loadErr != nil {
		return loadErr
	}
	if len(findings) > 0 {
		return errFindings
	}
	return nil
}

// analyze runs analyzers on pkgs, calling packageDone each time all of
// them are done with a package, and returns the graph with the actions of
// analyzers only.
//
// The checker has no hook of its own for this. An extra analyzer that
// requires all of them runs on a package once they all have: its Run is
// the hook, and since it uses no facts it runs on pkgs only, not on
// their dependencies.
func analyze(analyzers []*analysis.Analyzer, pkgs []*packages.Package, packageDone func()) (*checker.Graph, error) {
	counter := &analysis.Analyzer{
		Name:     "progress",
		Doc:      "count the packages the other analyzers are done with",
		Requires: analyzers,
		Run: func(*analysis.Pass) (any, error) {
			packageDone()
			return nil, nil
		},
	}
	graph, err := checker.Analyze(append(slices.Clip(analyzers), counter), pkgs, nil)
	if err != nil {
		return nil, err
	}
	graph.Roots = slices.DeleteFunc(graph.Roots, func(act *checker.Action) bool {
		return act.Analyzer == counter
	})
	return graph, nil
}

// loadPackages loads the packages matching patterns, with their tests, in
// the mode the checker needs for suite. A package that does not parse or
// type-check is an error.
func loadPackages(ctx context.Context, dir string, patterns []string) ([]*packages.Package, error) {
	pkgs, err := loadAllPackages(ctx, dir, patterns)
	if err != nil {
		return nil, err
	}
	if err := firstLoadError(dir, pkgs); err != nil {
		return nil, err
	}
	return pkgs, nil
}

// loadAllPackages is loadPackages with the packages that do not parse or
// type-check left in, their errors in their Errors.
func loadAllPackages(ctx context.Context, dir string, patterns []string) ([]*packages.Package, error) {
	mode := packages.LoadSyntax | packages.NeedModule | packages.NeedForTest
	cfg := &packages.Config{Context: ctx, Dir: dir, Mode: mode, Tests: true}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("load packages: %w", err)
	}

	// An analyzer with facts runs on the dependencies too. Those of the
	// standard library may stay export data, since procglobal, the
	// analyzer with facts, exports none for them; any other dependency
	// needs its syntax, and then everything is loaded from source.
	if needsFacts(suite) && depsWithoutSyntax(pkgs) {
		cfg.Mode |= packages.LoadAllSyntax
		if pkgs, err = packages.Load(cfg, patterns...); err != nil {
			return nil, fmt.Errorf("load packages: %w", err)
		}
	}
	if len(pkgs) == 0 {
		return nil, relLoadError(dir, loaderr.NoPackages(dir, patterns))
	}
	return pkgs, nil
}

// loadedPackages returns the packages of pkgs that loaded whole: with no
// error of their own and none in a package they import, directly or not.
// The analyzers would see a partial package, or a dependency without its
// facts, as a program other than the user's.
func loadedPackages(pkgs []*packages.Package) []*packages.Package {
	broken := map[*packages.Package]bool{}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		bad := len(p.Errors) > 0
		for _, imp := range p.Imports {
			bad = bad || broken[imp]
		}
		broken[p] = bad
	})
	return slices.DeleteFunc(slices.Clone(pkgs), func(p *packages.Package) bool { return broken[p] })
}

// depsWithoutSyntax reports whether pkgs import, directly or not, a
// package outside the standard library that was loaded without syntax.
func depsWithoutSyntax(pkgs []*packages.Package) bool {
	found := false
	packages.Visit(pkgs, func(p *packages.Package) bool {
		found = found || p.Module != nil && p.Syntax == nil
		return !found
	}, nil)
	return found
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

// firstLoadError returns the error of the packages to report, as
// loaderr.First chooses it, with its position relative to dir.
func firstLoadError(dir string, pkgs []*packages.Package) error {
	return relLoadError(dir, loaderr.First(dir, pkgs))
}

// relLoadError returns err, if it is a *loaderr.Error, with the files it
// names relative to dir, as the rest of the output names them.
func relLoadError(dir string, err error) error {
	e, ok := loaderr.As(err)
	if !ok {
		return err
	}
	rel := &loaderr.Error{Msg: strings.ReplaceAll(e.Msg, dir+string(filepath.Separator), "")}
	if e.Posn != "" {
		rel.Posn = relPosn(dir, e.Posn)
	}
	return rel
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
	posn     token.Position // start, as go vet prints it
	analyzer string
	diag     analysis.Diagnostic
	fset     *token.FileSet // of diag's positions
}

// collectFindings gathers the diagnostics of the actions, sorted by
// position, reporting each identical diagnostic once.
func collectFindings(roots []*checker.Action) []finding {
	type key struct {
		file              string
		line, col         int
		message, analyzer string
	}
	seen := make(map[key]bool)
	var out []finding
	for _, act := range roots {
		for _, d := range act.Diagnostics {
			posn := act.Package.Fset.Position(d.Pos)
			k := key{posn.Filename, posn.Line, posn.Column, d.Message, act.Analyzer.Name}
			if seen[k] {
				continue // same file seen through another package variant
			}
			seen[k] = true
			out = append(out, finding{posn, act.Analyzer.Name, d, act.Package.Fset})
		}
	}
	slices.SortFunc(out, func(a, b finding) int {
		return cmp.Or(
			strings.Compare(a.posn.Filename, b.posn.Filename),
			cmp.Compare(a.posn.Line, b.posn.Line),
			cmp.Compare(a.posn.Column, b.posn.Column),
			strings.Compare(a.analyzer, b.analyzer),
			strings.Compare(a.diag.Message, b.diag.Message))
	})
	return out
}

// printFindings prints findings in the style of go vet, with file names
// relative to dir.
func printFindings(w io.Writer, dir string, findings []finding) error {
	for _, f := range findings {
		_, err := fmt.Fprintf(w, "%s:%d:%d: %s (%s)\n", relPath(dir, f.posn.Filename), f.posn.Line, f.posn.Column, f.diag.Message, f.analyzer)
		if err != nil {
			return err
		}
	}
	return nil
}
