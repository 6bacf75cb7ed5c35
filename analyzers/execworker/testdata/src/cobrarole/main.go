// Command cobrarole is an index server built with cobra. Its workers are
// the same binary run through hidden subcommands.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

var rootCmd = &cobra.Command{
	Use:   "indexd",
	Short: "serve a full-text index",
	RunE:  runServer,
}

// workerCmd indexes the documents it reads from stdin.
var workerCmd = &cobra.Command{
	Use:    "worker",
	Hidden: true,
	Args:   cobra.NoArgs,
	Run: func(cmd *cobra.Command, args []string) {
		if err := serveIndex(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	},
}

var debugCmd = &cobra.Command{Use: "debug", Short: "debugging tools", Hidden: true}

func init() {
	mergeCmd := &cobra.Command{
		Use:    "merge [segments]",
		Hidden: true,
		RunE:   runMerge,
	}
	dumpCmd := &cobra.Command{
		Use: "dump",
		Run: func(cmd *cobra.Command, args []string) {
			fmt.Fprintln(cmd.OutOrStdout(), "segments: 0")
		},
	}
	debugCmd.AddCommand(dumpCmd)
	rootCmd.AddCommand(workerCmd, mergeCmd, debugCmd)
}

func main() {
	if err := rootCmd.Execute(); err != nil {
		os.Exit(1)
	}
}
