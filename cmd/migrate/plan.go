package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
	"golang.org/x/tools/go/analysis/checker"

	"github.com/procmigrate/procmigrate/rewrite"
)

func newPlanCmd(env *cliEnv) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "plan [-C dir] [--json] [packages]",
		Short: "Describe the migration before it happens",
		Long: `plan reports what migrating the packages (default ./...) would involve,
and changes nothing. Per package and per worker role it lists:

  - the role and the function that serves it;
  - each spawn site, and whether it uses exec.Command or CommandContext;
  - the protocol: the pipes, the codec on each end and the message types
    in each direction;
  - what the rewrite would do to each site (typed channels, in-process
    pipes or nothing) and why it goes no further;
  - the hazards the analyzers report for the package's files, by analyzer:

` + suiteHelp() + `

It ends with the files the rewrite would change and what needs a person:
the sites the rewrite leaves unchanged, with the reason, and the hazards
neither a suggested fix nor the rewrite addresses.

The plan is Markdown on stdout, with paths relative to the -C directory.
With --json it is one JSON object instead, described in docs/plan.md.
On a terminal, stderr shows how many packages are loaded and analysed,
then that the rewrite is being computed.

Exit codes: 0 success, whether or not there is anything to migrate; 1 error
(including packages that do not parse or type-check).`,
		Example: `  migrate plan
  migrate plan -C testdata/agentswarm ./...
  migrate plan ./cmd/server > plan.md
  migrate plan --json ./... | jq '.needs_person'`,
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
			return runPlan(cmd.Context(), env, dir, pats, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the plan as JSON (see docs/plan.md)")
	return cmd
}

// runPlan prints the plan of the packages matching patterns in dir to
// stdout, as Markdown or JSON.
func runPlan(ctx context.Context, env *cliEnv, dir string, patterns []string, asJSON bool) error {
	rep, _, err := computePlan(ctx, env, dir, patterns)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fmt.Errorf("print plan: %w", err)
		}
		return nil
	}
	if err := printPlan(env.Stdout, rep); err != nil {
		return fmt.Errorf("print plan: %w", err)
	}
	return nil
}

// computePlan analyses the packages matching patterns in dir as check
// does, computes their rewrite without writing it, and returns the plan
// with the analyses it reports on.
//
// On a terminal it shows its progress on stderr, as check and rewrite do,
// and blanks the line before it returns, so that what the caller prints
// next starts on a clean line.
func computePlan(ctx context.Context, env *cliEnv, dir string, patterns []string) (*planReport, []*checker.Action, error) {
	prog := env.progress()
	defer prog.done()
	prog.printf("loading packages...")
	pkgs, err := loadPackages(ctx, dir, patterns)
	if err != nil {
		return nil, nil, err
	}
	graph, err := analyze(suite, pkgs, prog.counter("analysing packages", len(pkgs)))
	if err != nil {
		return nil, nil, fmt.Errorf("analyze packages: %w", err)
	}
	roots := uniqueRoots(graph.Roots)
	for _, act := range roots {
		if act.Err != nil {
			return nil, nil, fmt.Errorf("analyze %s with %s: %w", act.Package.ID, act.Analyzer.Name, act.Err)
		}
	}

	// Compute the rewrite as "migrate rewrite" does without --write.
	//
	// TODO(procmigrate): the rewriter loads the packages a second time;
	// rewrite.Config takes patterns, not loaded packages, so the go
	// command runs twice and a plan takes about as long as a check and a
	// rewrite together.
	prog.printf("loading and rewriting packages...")
	res, err := env.Rewrite(rewrite.Config{Dir: dir, Patterns: patterns})
	if err != nil {
		return nil, nil, relError(dir, err)
	}
	return buildPlan(dir, planPackages(pkgs), roots, res), roots, nil
}
