// Command benchchart draws the figures of BenchmarkSwarm
// (rewrite/swarmbench_test.go) as one SVG chart: throughput and the peak
// memory of the process tree against the number of workers, each program
// as processes and as goroutines.
//
//	benchchart [-o chart.svg] [-note text] bench-output...
//
// It reads the output of go test -bench (several -count runs are averaged)
// and writes the chart to -o, or to stdout.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/procmigrate/procmigrate/internal/benchkit/svgchart"
)

func main() {
	out := flag.String("o", "", "write the chart to `file` instead of stdout")
	note := flag.String("note", "", "a line of `text` under the chart: the machine, the date")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: benchchart [-o chart.svg] [-note text] bench-output...")
		os.Exit(2)
	}
	if err := run(*out, *note, flag.Args()); err != nil {
		fmt.Fprintf(os.Stderr, "benchchart: %v\n", err)
		os.Exit(1)
	}
}

func run(out, note string, inputs []string) error {
	res := results{}
	for _, name := range inputs {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		err = res.read(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	chart, err := res.chart(note)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := svgchart.Write(&b, chart); err != nil {
		return err
	}
	if out == "" {
		_, err = os.Stdout.Write(b.Bytes())
		return err
	}
	return os.WriteFile(out, b.Bytes(), 0o644)
}

// key is one benchmark: a program, a model and a worker count.
type key struct {
	program, model string
	workers        int
}

// results sums the metrics of each benchmark over its runs.
type results map[key]*sums

type sums struct {
	runs   int
	metric map[string]float64
}

// read adds the results of one go test -bench output. A result line is
//
//	BenchmarkSwarm/PROGRAM/MODEL/workers=N-P  ITERS  V UNIT  V UNIT ...
//
// and any other line is skipped.
func (r results) read(in io.Reader) error {
	sc := bufio.NewScanner(in)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkSwarm/") {
			continue
		}
		k, err := parseName(f[0])
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		s := r[k]
		if s == nil {
			s = &sums{metric: map[string]float64{}}
			r[k] = s
		}
		s.runs++
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return fmt.Errorf("line %d: value %q of %s: %w", line, f[i], f[i+1], err)
			}
			s.metric[f[i+1]] += v
		}
	}
	return sc.Err()
}

// parseName splits a benchmark name into its key.
func parseName(name string) (key, error) {
	parts := strings.Split(name, "/")
	if len(parts) != 4 || !strings.HasPrefix(parts[3], "workers=") {
		return key{}, fmt.Errorf("benchmark %s is not BenchmarkSwarm/PROGRAM/MODEL/workers=N", name)
	}
	n := strings.TrimPrefix(parts[3], "workers=")
	if i := strings.LastIndexByte(n, '-'); i >= 0 {
		n = n[:i] // the -GOMAXPROCS suffix
	}
	workers, err := strconv.Atoi(n)
	if err != nil {
		return key{}, fmt.Errorf("benchmark %s: worker count %q: %w", name, n, err)
	}
	return key{parts[1], parts[2], workers}, nil
}

// mean returns the mean of a metric of k over its runs.
func (r results) mean(k key, unit string) (float64, bool) {
	s := r[k]
	if s == nil {
		return 0, false
	}
	v, ok := s.metric[unit]
	return v / float64(s.runs), ok
}

// modelNames are the models in the order drawn, with their legend names.
var modelNames = []struct{ model, legend string }{
	{"process", "processes"},
	{"goroutine", "goroutines"},
}

// programColors are the colors of the programs, in order of appearance.
var programColors = []string{"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f"}

// chart builds the figure: one series per program and model in each panel.
func (r results) chart(note string) (svgchart.Chart, error) {
	var programs []string
	for k := range r {
		if !slices.Contains(programs, k.program) {
			programs = append(programs, k.program)
		}
	}
	if len(programs) == 0 {
		return svgchart.Chart{}, fmt.Errorf("no BenchmarkSwarm results")
	}
	slices.Sort(programs)
	panels := []svgchart.Panel{
		{Title: "throughput", XLabel: "workers", YLabel: "tasks per second", LogX: true, LogY: true},
		{Title: "peak memory of the process tree", XLabel: "workers", YLabel: "MiB (sum of RSS)", LogX: true, LogY: true},
	}
	units := []string{"tasks/s", "peak-MB"}
	styles := map[string]svgchart.Style{}
	for pi, prog := range programs {
		for _, m := range modelNames {
			name := prog + " as " + m.legend
			styles[name] = svgchart.Style{Color: programColors[pi%len(programColors)], Dashed: m.model == "goroutine"}
			var counts []int
			for k := range r {
				if k.program == prog && k.model == m.model {
					counts = append(counts, k.workers)
				}
			}
			slices.Sort(counts)
			for i, unit := range units {
				s := svgchart.Series{Name: name}
				for _, n := range counts {
					if v, ok := r.mean(key{prog, m.model, n}, unit); ok && v > 0 {
						s.Points = append(s.Points, svgchart.Point{X: float64(n), Y: v})
					}
				}
				if len(s.Points) > 0 {
					panels[i].Series = append(panels[i].Series, s)
				}
			}
		}
	}
	for _, p := range panels {
		if len(p.Series) == 0 {
			return svgchart.Chart{}, fmt.Errorf("no %s figures in the results", p.Title)
		}
	}
	return svgchart.Chart{
		Title:  "Worker processes against goroutines (BenchmarkSwarm)",
		Note:   note,
		Panels: panels,
		Styles: styles,
	}, nil
}
