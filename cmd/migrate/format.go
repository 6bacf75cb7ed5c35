package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
)

// outputFormat is how check prints its findings: the value of --format.
// It implements pflag.Value, so a bad value is a usage error that names
// the choices.
type outputFormat string

const (
	formatText  outputFormat = "text"  // file:line:col: message (analyzer)
	formatJSON  outputFormat = "json"  // what go vet -json prints
	formatSARIF outputFormat = "sarif" // SARIF 2.1.0, for code scanning
)

// outputFormats are the values --format accepts, the default first.
var outputFormats = []outputFormat{formatText, formatJSON, formatSARIF}

func (f *outputFormat) String() string { return string(*f) }

func (f *outputFormat) Type() string { return "format" }

func (f *outputFormat) Set(s string) error {
	if !slices.Contains(outputFormats, outputFormat(s)) {
		return fmt.Errorf("must be one of %s", formatNames())
	}
	*f = outputFormat(s)
	return nil
}

// formatNames lists the formats for messages and help: "text, json, sarif".
func formatNames() string {
	names := make([]string, len(outputFormats))
	for i, f := range outputFormats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// printReport prints the findings of roots, the actions of analyzers on
// the packages analysed, to w in format. Paths are relative to dir except
// in JSON, which keeps go vet's absolute ones.
func printReport(w io.Writer, format outputFormat, analyzers []*analysis.Analyzer, dir string, roots []*checker.Action, findings []finding) error {
	switch format {
	case formatJSON:
		g := &checker.Graph{Roots: roots}
		return g.PrintJSON(w)
	case formatSARIF:
		return printSARIF(w, analyzers, dir, findings)
	}
	return printFindings(w, dir, findings)
}
