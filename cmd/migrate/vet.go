package main

import (
	"strings"

	"golang.org/x/tools/go/analysis/unitchecker"
)

// isVetInvocation reports whether args are go vet running migrate as its
// -vettool, or go fix as its -fixtool: asking for its version (-V=full) or
// flags (-flags), or handing it the configuration file of one package unit
// (*.cfg) after the flags, which for go fix include -fix and -diff.
//
// go vet puts only flags before the file, so a first argument that is not a
// flag, such as a subcommand, means a person is running migrate. So do
// "migrate help" and "migrate -help", which go vet's usage error suggests:
// they print the command line's help, which lists the analyzers and their
// flags under go vet.
func isVetInvocation(args []string) bool {
	if len(args) == 0 || !strings.HasPrefix(args[0], "-") && !strings.HasSuffix(args[0], ".cfg") {
		return false
	}
	if strings.HasSuffix(args[len(args)-1], ".cfg") {
		return true
	}
	for _, arg := range args {
		if arg == "-flags" || strings.HasPrefix(arg, "-V=") {
			return true
		}
	}
	return false
}

// runVetTool speaks the go vet tool protocol through unitchecker, which
// reads os.Args, prints to os.Stdout and os.Stderr, and exits. With -fix it
// writes the fixed files into the archive go fix names in the
// configuration, and go fix writes them once every package is analysed.
func runVetTool() {
	unitchecker.Main(suite...)
}
