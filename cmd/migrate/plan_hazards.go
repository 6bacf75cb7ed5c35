package main

import (
	"cmp"
	"errors"
	"fmt"
	"go/token"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/aymanbagabas/go-udiff"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"

	"github.com/procmigrate/procmigrate/rewrite"
)

// planDiag is one diagnostic of one analyzer.
type planDiag struct {
	analyzer   string
	start, end token.Position
	diag       analysis.Diagnostic
}

// collectPlanDiags returns the diagnostics of the root actions by package
// path, sorted by position, each identical one once.
func collectPlanDiags(roots []*checker.Action) map[string][]planDiag {
	type key struct {
		posn              token.Position
		analyzer, message string
	}
	seen := make(map[key]bool)
	out := make(map[string][]planDiag)
	for _, act := range roots {
		for _, d := range act.Diagnostics {
			start := act.Package.Fset.Position(d.Pos)
			k := key{start, act.Analyzer.Name, d.Message}
			if seen[k] {
				continue // same file seen through another package variant
			}
			seen[k] = true
			var end token.Position
			if d.End.IsValid() {
				end = act.Package.Fset.Position(d.End)
			}
			path := act.Package.PkgPath
			out[path] = append(out[path], planDiag{act.Analyzer.Name, start, end, d})
		}
	}
	for _, ds := range out {
		slices.SortFunc(ds, func(a, b planDiag) int {
			return cmp.Or(planComparePosn(a.start, b.start), strings.Compare(a.diag.Message, b.diag.Message))
		})
	}
	return out
}

// hazards groups the diagnostics of package e by analyzer, in the order of
// suite, and says for each which roles it belongs to and what addresses it.
func (b *planBuilder) hazards(e *pkgEntry, diags []planDiag) []planHazardGroup {
	groups := []planHazardGroup{}
	for _, a := range suite {
		g := planHazardGroup{Analyzer: a.Name, Hazards: []planHazard{}}
		for _, d := range diags {
			if d.analyzer != a.Name {
				continue
			}
			var in []*roleEntry
			roles := []string{}
			for _, r := range e.roles {
				if inSpans(r.spans, d.diag.Pos) {
					in = append(in, r)
					roles = append(roles, r.plan.Role)
				}
			}
			g.Hazards = append(g.Hazards, planHazard{
				Pos:         b.relPos(d.start),
				Category:    d.diag.Category,
				Message:     d.diag.Message,
				Roles:       roles,
				AddressedBy: b.addressedBy(d, in),
			})
		}
		if len(g.Hazards) > 0 {
			groups = append(groups, g)
		}
	}
	return groups
}

// addressedBy says what takes care of diagnostic d, which lies in the code
// of roles:
//
//   - a suggested fix of its analyzer;
//   - the rewrite, when every role it belongs to is converted, since the
//     code then no longer runs as a process of its own, or when it belongs
//     to none and the rewrite changes a line it covers, as where the
//     rewrite moves package state into the worker;
//   - nothing otherwise, and always when a role it belongs to keeps a site
//     that stays a process.
func (b *planBuilder) addressedBy(d planDiag, roles []*roleEntry) string {
	if len(d.diag.SuggestedFixes) > 0 {
		return byFix
	}
	for _, r := range roles {
		if !r.converted() {
			return byNothing
		}
	}
	if len(roles) > 0 {
		return byRewrite
	}
	last := d.start.Line
	if d.end.Filename == d.start.Filename && d.end.Line > last {
		last = d.end.Line
	}
	for line := d.start.Line; line <= last; line++ {
		if b.changed[d.start.Filename][line] {
			return byRewrite
		}
	}
	return byNothing
}

// planFiles describes the files the rewrite changes, in path order, and
// returns the original lines it changes in each.
func planFiles(dir string, files []rewrite.File) ([]planFile, map[string]map[int]bool) {
	out := []planFile{}
	changed := make(map[string]map[int]bool)
	for _, f := range files {
		if string(f.Old) == string(f.New) {
			continue // unchanged
		}
		pf := planFile{Path: relPath(dir, f.Path)}
		if _, err := os.Lstat(f.Path); errors.Is(err, fs.ErrNotExist) {
			pf.New = true
		}
		lines := make(map[int]bool)
		pf.Added, pf.Removed = diffLines(string(f.Old), string(f.New), lines)
		changed[f.Path] = lines
		out = append(out, pf)
	}
	slices.SortFunc(out, func(a, b planFile) int { return strings.Compare(a.Path, b.Path) })
	return out, changed
}

// diffLines counts the lines added and removed from old to new, and marks
// in changed the lines of old that are removed or replaced.
func diffLines(old, new string, changed map[int]bool) (added, removed int) {
	d, err := udiff.ToUnifiedDiff("old", "new", old, udiff.Lines(old, new), 0)
	if err != nil {
		panic(fmt.Sprintf("diff a file against its own edits: %v", err))
	}
	for _, h := range d.Hunks {
		line := h.FromLine
		for _, l := range h.Lines {
			switch l.Kind {
			case udiff.Delete:
				changed[line] = true
				removed++
				line++
			case udiff.Insert:
				added++
			case udiff.Equal:
				line++
			}
		}
	}
	return added, removed
}
