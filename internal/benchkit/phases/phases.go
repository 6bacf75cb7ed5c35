// Package phases splits a CPU profile of migrate check or migrate rewrite
// into the phases of their work (loading, decorating, analysing, ...) by
// the functions on each sample's stack, since neither command has hooks
// of its own to time them.
package phases

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"
)

// A Rule names the phase of a sample whose stack holds a frame matching
// Frame. Rules are tried in order and the first that matches wins, so a
// phase nested in another (decorating within rewriting) comes first.
type Rule struct {
	Phase string
	Frame *regexp.Regexp
}

// The rules for each command. Loading is everything go/packages does:
// reading the go command's answer, parsing, type-checking from source
// and reading export data. The go command itself is another process and
// is not in the profile.
var (
	// Check has the checker's phases, and under analysing which analyzer
	// runs: a sample is charged to the outermost analyzer package on its
	// stack, the one whose Run is executing (procglobal calling into
	// workers is procglobal's).
	Check = []Rule{
		{"loading", regexp.MustCompile(`^golang\.org/x/tools/go/packages\.`)},
		{"analysing", regexp.MustCompile(`^golang\.org/x/tools/go/analysis/`)},
		{"gc (background)", regexp.MustCompile(`^runtime\.(gcBgMarkWorker|bgsweep|bgscavenge)$`)},
	}
	// Rewrite follows rewrite.Run: load, find the workers of every
	// package, decorate the packages with spawns, edit, restore, check
	// the result's types, then the diff the CLI prints.
	Rewrite = []Rule{
		{"diffing", regexp.MustCompile(`^github\.com/aymanbagabas/go-udiff`)},
		{"restoring", regexp.MustCompile(`^github\.com/dave/dst/decorator\.\(\*(File)?Restorer\)|^github\.com/procmigrate/procmigrate/rewrite\.restore$`)},
		{"decorating", regexp.MustCompile(`^github\.com/dave/dst/decorator\.(\(\*(Decorator|fileDecorator)\)|NewDecorator)`)},
		{"type-checking the result", regexp.MustCompile(`^github\.com/procmigrate/procmigrate/rewrite\.(typeCheck|\(\*exportIndex\))`)},
		{"loading", regexp.MustCompile(`^golang\.org/x/tools/go/packages\.|^github\.com/procmigrate/procmigrate/rewrite\.load$`)},
		{"analysing and editing", regexp.MustCompile(`^github\.com/procmigrate/procmigrate/(rewrite|analyzers)/?`)},
		{"gc (background)", regexp.MustCompile(`^runtime\.(gcBgMarkWorker|bgsweep|bgscavenge)$`)},
	}
)

// analyzerFrame finds the analyzer package of a frame, for Check.
var analyzerFrame = regexp.MustCompile(`^(github\.com/procmigrate/procmigrate/analyzers/[a-z]+|golang\.org/x/tools/go/analysis/passes/[a-z]+)\.`)

// Sample is one stack of a profile and the CPU time spent in it.
type Sample struct {
	Value  time.Duration
	Frames []string // leaf first, as go tool pprof -traces prints them
}

// ParseTraces reads the output of "go tool pprof -traces" for a CPU
// profile: a header, then per stack a line of dashes, the time and leaf
// frame, and the callers one a line.
func ParseTraces(r io.Reader) ([]Sample, error) {
	var (
		out  []Sample
		cur  *Sample
		sc   = bufio.NewScanner(r)
		line int
	)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line++
		text := sc.Text()
		switch {
		case strings.HasPrefix(text, "-----------+"):
			cur = nil
			continue
		case cur == nil && strings.HasPrefix(text, " ") && strings.TrimSpace(text) != "":
			fields := strings.Fields(text)
			d, err := time.ParseDuration(fields[0])
			if err != nil {
				return nil, fmt.Errorf("traces line %d: %q is not a CPU time: %w", line, fields[0], err)
			}
			out = append(out, Sample{Value: d})
			cur = &out[len(out)-1]
			if len(fields) > 1 {
				cur.Frames = append(cur.Frames, fields[1])
			}
		case cur != nil && strings.TrimSpace(text) != "":
			// Labels of a sample ("phase:load") are printed before its frames
			// and carry no frame; so are lines of "bytes:" for heap samples.
			f := strings.Fields(text)[0]
			if !strings.HasSuffix(f, ":") {
				cur.Frames = append(cur.Frames, f)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Share is the time of one phase.
type Share struct {
	Phase string
	Time  time.Duration
}

// Markdown formats shares as a markdown table of CPU seconds and shares of
// total, leaving out phases that took no time.
func Markdown(shares []Share, total time.Duration) string {
	var b strings.Builder
	b.WriteString("| phase | CPU s | share |\n|-------|------:|------:|\n")
	for _, s := range shares {
		if s.Time == 0 {
			continue
		}
		fmt.Fprintf(&b, "| %s | %.2f | %.1f%% |\n", s.Phase, s.Time.Seconds(), 100*s.Time.Seconds()/total.Seconds())
	}
	fmt.Fprintf(&b, "| total | %.2f | |\n", total.Seconds())
	return b.String()
}

// Split charges each sample to the phase of the first rule one of its
// frames matches, or to "other", and returns the phases in the order of
// the rules, then other, with the total. With byAnalyzer, the time of
// phase "analysing" is split further into "analysing: NAME" by analyzer
// package (see analyzerFrame), in the place of "analysing" and by name.
func Split(samples []Sample, rules []Rule, byAnalyzer bool) (shares []Share, total time.Duration) {
	times := make(map[string]time.Duration)
	var analyzers []string
	for _, s := range samples {
		total += s.Value
		phase := phaseOf(s, rules, byAnalyzer)
		if _, ok := times[phase]; !ok && strings.HasPrefix(phase, "analysing: ") {
			analyzers = append(analyzers, phase)
		}
		times[phase] += s.Value
	}
	slices.Sort(analyzers)
	for _, r := range rules {
		if byAnalyzer && r.Phase == "analysing" {
			for _, a := range analyzers {
				shares = append(shares, Share{a, times[a]})
			}
			continue
		}
		shares = append(shares, Share{r.Phase, times[r.Phase]})
	}
	shares = append(shares, Share{"other", times["other"]})
	return shares, total
}

func phaseOf(s Sample, rules []Rule, byAnalyzer bool) string {
	for _, r := range rules {
		for _, f := range s.Frames {
			if !r.Frame.MatchString(f) {
				continue
			}
			if byAnalyzer && r.Phase == "analysing" {
				return "analysing: " + analyzerOf(s)
			}
			return r.Phase
		}
	}
	return "other"
}

// analyzerOf returns the last part of the outermost analyzer package on
// the stack of s, or "driver" for the checker's own work.
func analyzerOf(s Sample) string {
	name := "driver"
	for _, f := range s.Frames { // leaf first: the last match is outermost
		if m := analyzerFrame.FindStringSubmatch(f); m != nil {
			name = m[1][strings.LastIndex(m[1], "/")+1:]
		}
	}
	return name
}
