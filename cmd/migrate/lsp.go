package main

import (
	"github.com/spf13/cobra"
	"golang.org/x/tools/go/packages"

	"github.com/procmigrate/procmigrate/cmd/migrate/internal/lsp"
)

func newLSPCmd(env *cliEnv) *cobra.Command {
	return &cobra.Command{
		Use:   "lsp",
		Short: "Serve the analyzers to editors, beside gopls, over the Language Server Protocol",
		Long: `lsp is a language server on stdin and stdout for editors that run it beside
gopls, which cannot load the procmigrate analyzers. It reports what
"migrate check" reports, as warnings with source "procmigrate", while you
type: when a Go file is opened, changed or saved, the package in its
directory is loaded with its tests, the unsaved text of open files
included, and analysed. Suggested fixes are offered as quick fixes.

A package that does not parse or type-check keeps the findings it had,
and the reason is written once to the editor's log. The -C flag has no
effect: each file is analysed in its own directory.

See docs/editors.md for the settings of VS Code, Neovim and Helix.

Exit codes: 0 after the editor's shutdown and exit, 1 otherwise.`,
		Example: `  migrate lsp`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// Load as loadPackages does for check.
			// TODO(procmigrate): take the mode from check.go rather than
			// repeat its rule, once it has a function of its own there.
			var mode packages.LoadMode
			if needsFacts(suite) {
				mode = packages.LoadAllSyntax
			}
			return lsp.Serve(cmd.Context(), cmd.InOrStdin(), env.Stdout, lsp.Options{
				Analyzers: suite,
				Mode:      mode,
				LoadError: firstLoadError,
				Version:   moduleVersion(),
				Log:       env.Stderr,
			})
		},
	}
}
