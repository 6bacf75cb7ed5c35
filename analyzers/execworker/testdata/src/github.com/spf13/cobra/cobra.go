// Package cobra stands in for github.com/spf13/cobra, which analysistest
// cannot download: it declares the part of the API the fixtures use, with
// the same names and types.
package cobra

import (
	"io"
	"os"
)

// PositionalArgs validates the arguments left after the flags.
type PositionalArgs func(cmd *Command, args []string) error

// Command is one command of a command line.
type Command struct {
	Use     string
	Aliases []string
	Short   string
	Long    string
	Hidden  bool
	Args    PositionalArgs

	PersistentPreRunE func(cmd *Command, args []string) error
	Run               func(cmd *Command, args []string)
	RunE              func(cmd *Command, args []string) error

	commands []*Command
	parent   *Command
}

// AddCommand adds subcommands to c.
func (c *Command) AddCommand(cmds ...*Command) {
	for _, sub := range cmds {
		sub.parent = c
		c.commands = append(c.commands, sub)
	}
}

// Execute runs the command line against the tree rooted at c.
func (c *Command) Execute() error { return nil }

// InOrStdin returns the input the command reads.
func (c *Command) InOrStdin() io.Reader { return os.Stdin }

// OutOrStdout returns where the command writes.
func (c *Command) OutOrStdout() io.Writer { return os.Stdout }

// NoArgs rejects any positional argument.
func NoArgs(cmd *Command, args []string) error { return nil }
