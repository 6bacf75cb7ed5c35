package genmod

// codeTmpl is the ordinary code every package has: records parsed from
// text, summarized, normalized and checksummed, in Blocks variations, and
// Digest, which the packages that import this one call.
var codeTmpl = parse("code", `// Written by genmod for docs/bench-kit.sh: ordinary, hand-written-looking code.

{{if ne .Name "main"}}// Package {{.Name}} is package {{.I}} ({{.Kind}}) of a generated module.
{{end}}package {{.Name}}

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
{{if ge .Dep 0}}
	"{{.Module}}/{{.DepName}}"
{{end}})

// errShort is returned for a line with too few fields.
var errShort = errors.New("too few fields")

// Digest folds s into a 32-bit FNV-1a hash{{if ge .Dep 0}}, mixed with that of {{.DepName}}{{end}}.
func Digest(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
{{- if ge .Dep 0}}
	h ^= {{.DepName}}.Digest(s) >> 7
{{- end}}
	return h
}
{{range .Blocks}}
// record{{.}} is one line of input to the block {{.}} functions.
type record{{.}} struct {
	ID    int
	Name  string
	Tags  []string
	Score float64
}

// parse{{.}} reads "id,name,score,tag tag ..." into a record.
func parse{{.}}(line string) (record{{.}}, error) {
	fields := strings.Split(line, ",")
	if len(fields) < 3 {
		return record{{.}}{}, fmt.Errorf("parse %q: %w", line, errShort)
	}
	id, err := strconv.Atoi(strings.TrimSpace(fields[0]))
	if err != nil {
		return record{{.}}{}, fmt.Errorf("parse id of %q: %w", line, err)
	}
	score, err := strconv.ParseFloat(strings.TrimSpace(fields[2]), 64)
	if err != nil {
		return record{{.}}{}, fmt.Errorf("parse score of %q: %w", line, err)
	}
	r := record{{.}}{ID: id, Name: strings.TrimSpace(fields[1]), Score: score}
	if len(fields) > 3 {
		r.Tags = strings.Fields(fields[3])
	}
	return r, nil
}

// normalize lowercases the name and sorts and dedups the tags.
func (r *record{{.}}) normalize() {
	r.Name = strings.ToLower(r.Name)
	sort.Strings(r.Tags)
	out := r.Tags[:0]
	for i, t := range r.Tags {
		if i == 0 || t != r.Tags[i-1] {
			out = append(out, t)
		}
	}
	r.Tags = out
}

// summarize{{.}} returns the mean score per tag.
func summarize{{.}}(rs []record{{.}}) map[string]float64 {
	sum := make(map[string]float64)
	n := make(map[string]int)
	for _, r := range rs {
		for _, t := range r.Tags {
			sum[t] += r.Score
			n[t]++
		}
	}
	for t := range sum {
		sum[t] /= float64(n[t])
	}
	return sum
}

// checksum{{.}} digests the records in order.
func checksum{{.}}(rs []record{{.}}) uint32 {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "%d:%s:%g;", r.ID, r.Name, r.Score)
	}
	return Digest(b.String())
}
{{end}}`)

// testTmpl tests the first block of the ordinary code.
var testTmpl = parse("test", `// Written by genmod for docs/bench-kit.sh: ordinary, hand-written-looking code.

package {{.Name}}

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	r, err := parse0("7, Alice ,2.5,b a b")
	if err != nil {
		t.Fatal(err)
	}
	r.normalize()
	if r.ID != 7 || r.Name != "alice" || len(r.Tags) != 2 || r.Tags[0] != "a" {
		t.Errorf("parse0 = %+v", r)
	}
	if _, err := parse0("7"); !errors.Is(err, errShort) {
		t.Errorf("parse0 of a short line: %v, want errShort", err)
	}
}

func TestSummarize(t *testing.T) {
	rs := []record0{{"{{"}}ID: 1, Score: 1, Tags: []string{"x"}}, {ID: 2, Score: 3, Tags: []string{"x", "y"}{{"}}"}}
	got := summarize0(rs)
	if got["x"] != 2 || got["y"] != 3 {
		t.Errorf("summarize0 = %v", got)
	}
	if checksum0(rs) == checksum0(rs[:1]) {
		t.Error("checksum0 does not depend on the records")
	}
}
`)

// osfileTmpl uses the file system and the environment, as much code that
// imports os does, without starting anything.
var osfileTmpl = parse("osfile", `// Written by genmod for docs/bench-kit.sh: ordinary, hand-written-looking code.

package {{.Name}}

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
)

// Load parses the records of the file named by $PKG{{.I}}_INPUT, or of
// name in dir when it is unset.
func Load(dir, name string) ([]record0, error) {
	path := os.Getenv("PKG{{.I}}_INPUT")
	if path == "" {
		path = filepath.Join(dir, name)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rs []record0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		r, err := parse0(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		rs = append(rs, r)
	}
	return rs, sc.Err()
}

// Save writes the checksum of rs next to name in dir.
func Save(dir, name string, rs []record0) error {
	return os.WriteFile(filepath.Join(dir, name+".sum"), []byte(fmt.Sprintf("%08x\n", checksum0(rs))), 0o644)
}
`)

// concTmpl runs goroutines, which the analyzers look at for calls into C
// and shared state, but starts no process.
var concTmpl = parse("conc", `// Written by genmod for docs/bench-kit.sh: ordinary, hand-written-looking code.

package {{.Name}}

import "sync"

// Checksums parses lines on n goroutines and returns the checksum of each
// line's record, or 0 for a line that does not parse.
func Checksums(lines []string, n int) []uint32 {
	out := make([]uint32, len(lines))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if r, err := parse0(lines[i]); err == nil {
					out[i] = checksum0([]record0{r})
				}
			}
		}()
	}
	for i := range lines {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return out
}
`)
