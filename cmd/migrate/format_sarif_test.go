package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"golang.org/x/tools/go/analysis"
)

// checkSARIF fails t unless data is a valid SARIF 2.1.0 log, and returns
// it parsed.
func checkSARIF(t *testing.T, data []byte) *sarif.Report {
	t.Helper()
	rep, err := validateSARIF(data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	return rep
}

// validateSARIF parses data and validates it against the SARIF 2.1.0
// schema that go-sarif holds.
func validateSARIF(data []byte) (*sarif.Report, error) {
	rep, err := sarif.FromBytes(data, sarif.WithStrictValidation())
	if err != nil {
		return nil, fmt.Errorf("parse SARIF: %w", err)
	}

	// Validate checks the report as go-sarif encodes it again, so that
	// must be the document printed: a property go-sarif does not know
	// would otherwise escape the schema.
	var again bytes.Buffer
	if err := rep.Write(&again); err != nil {
		return nil, fmt.Errorf("encode SARIF again: %w", err)
	}
	var printed, reread any
	if err := json.Unmarshal(data, &printed); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(again.Bytes(), &reread); err != nil {
		return nil, err
	}
	if !reflect.DeepEqual(printed, reread) {
		return nil, fmt.Errorf("go-sarif reads the log back differently:\n%s", again.Bytes())
	}
	if err := rep.Validate(); err != nil {
		return nil, fmt.Errorf("SARIF log does not match the 2.1.0 schema: %w", err)
	}
	return rep, nil
}

// newBadCalls returns a test analyzer that reports what the suite's
// analyzers do not yet: each call of the package's function bad, with the
// declaration of bad as related information, and a fix that calls good
// instead, drops the comment after the call and notes the change at the
// top of q.go, so that one fix edits two files.
func newBadCalls() *analysis.Analyzer {
	return &analysis.Analyzer{
		Name: "badcalls",
		Doc:  "report calls of bad\n\nThe function bad is bad; call good.\n\n\tgood()",
		URL:  "https://example.com/badcalls",
		Run: func(pass *analysis.Pass) (any, error) {
			var bad *ast.Ident
			var q *ast.File
			for _, f := range pass.Files {
				if strings.HasSuffix(pass.Fset.File(f.Pos()).Name(), "q.go") {
					q = f
				}
				for _, d := range f.Decls {
					if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "bad" {
						bad = fd.Name
					}
				}
			}
			for _, f := range pass.Files {
				ast.Inspect(f, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok {
						return true
					}
					id, ok := call.Fun.(*ast.Ident)
					if !ok || pass.TypesInfo.Uses[id] != pass.TypesInfo.Defs[bad] {
						return true
					}
					comment := token.Pos(len(" /* gone */"))
					pass.Report(analysis.Diagnostic{
						Pos:      id.Pos(),
						End:      id.End(),
						Category: "call",
						Message:  "call of bad",
						Related:  []analysis.RelatedInformation{{Pos: bad.Pos(), End: bad.End(), Message: "bad is declared here"}},
						SuggestedFixes: []analysis.SuggestedFix{{
							Message: "Call good instead",
							TextEdits: []analysis.TextEdit{
								{Pos: q.Package, End: q.Package, NewText: []byte("// calls good\n")},
								{Pos: call.End(), End: call.End() + comment},
								{Pos: id.Pos(), End: id.End(), NewText: []byte("good")},
							},
						}},
					})
					return true
				})
			}
			return nil, nil
		},
	}
}

// The call of bad is on a line with characters of two, three and four
// bytes before it, and one outside the BMP, which UTF-16 counts twice:
//
//	"\ts := \"héllo, 世界 😀\"; " is 29 bytes and 22 UTF-16 code units.
const badCallsSrc = `package p

func bad() {}

func good() {}

func use() string {
	s := "héllo, 世界 😀"; bad() /* gone */
	return s
}
`

// sarifOf runs analyzers on the packages of dir and returns the SARIF
// log check prints for them.
func sarifOf(t *testing.T, analyzers []*analysis.Analyzer, dir string) []byte {
	t.Helper()
	pkgs, err := loadPackages(context.Background(), dir, []string{"./..."})
	if err != nil {
		t.Fatal(err)
	}
	graph, err := analyze(analyzers, pkgs, func() {})
	if err != nil {
		t.Fatal(err)
	}
	roots := uniqueRoots(graph.Roots)
	for _, act := range roots {
		if act.Err != nil {
			t.Fatalf("%s: %v", act, act.Err)
		}
	}
	var out bytes.Buffer
	if err := printSARIF(&out, analyzers, dir, collectFindings(roots)); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestSARIFRelatedAndFixes(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"go.mod": "module example.com/p\n\ngo 1.22\n",
		"p.go":   badCallsSrc,
		"q.go":   "package p\n",
	})
	a := newBadCalls()
	out := sarifOf(t, []*analysis.Analyzer{a}, dir)
	rep := checkSARIF(t, out)

	// The run and its one rule.
	if len(rep.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(rep.Runs))
	}
	run := rep.Runs[0]
	driver := run.Tool.Driver
	if *driver.Name != "procmigrate" || *driver.Version != moduleVersion() || *driver.InformationURI == "" {
		t.Errorf("driver = %s %s %s, want procmigrate %s and a URI", *driver.Name, *driver.Version, *driver.InformationURI, moduleVersion())
	}
	if got := *run.ColumnKind; got != "utf16CodeUnits" {
		t.Errorf("columnKind = %s", got)
	}
	if got, want := *run.OriginalUriBaseIds["%SRCROOT%"].URI, dirURI(dir); got != want || !strings.HasSuffix(got, "/") {
		t.Errorf("%%SRCROOT%% = %s, want %s", got, want)
	}
	if len(driver.Rules) != 1 {
		t.Fatalf("%d rules, want 1", len(driver.Rules))
	}
	rule := driver.Rules[0]
	ruleWant := []string{"badcalls", "report calls of bad", "The function bad is bad; call good.\n\n\tgood()", a.Doc, "https://example.com/badcalls"}
	ruleGot := []string{*rule.ID, *rule.ShortDescription.Text, *rule.FullDescription.Text, *rule.Help.Text, *rule.HelpURI}
	if !reflect.DeepEqual(ruleGot, ruleWant) {
		t.Errorf("rule = %q, want %q", ruleGot, ruleWant)
	}
	if md := *rule.Help.Markdown; !strings.Contains(md, "\n\tgood()") {
		t.Errorf("help markdown has no code block:\n%s", md)
	}

	// The result, at the call of bad: columns 30 to 33 in bytes.
	if len(run.Results) != 1 {
		t.Fatalf("%d results, want 1:\n%s", len(run.Results), out)
	}
	res := run.Results[0]
	if *res.RuleID != "badcalls" || res.RuleIndex != 0 || res.Level != "warning" || *res.Message.Text != "call of bad" {
		t.Errorf("result = %s #%d %s %q", *res.RuleID, res.RuleIndex, res.Level, *res.Message.Text)
	}
	if got := res.Properties.Properties["category"]; got != "call" {
		t.Errorf("category = %v, want call", got)
	}
	if len(res.Locations) != 1 {
		t.Fatalf("%d locations, want 1", len(res.Locations))
	}
	checkLocation(t, "location", res.Locations[0], "p.go", "8:23-8:26")

	// The related declaration of bad.
	if len(res.RelatedLocations) != 1 {
		t.Fatalf("%d related locations, want 1", len(res.RelatedLocations))
	}
	rel := res.RelatedLocations[0]
	checkLocation(t, "related location", rel, "p.go", "3:6-3:9")
	if *rel.Message.Text != "bad is declared here" {
		t.Errorf("related message = %q", *rel.Message.Text)
	}

	// The fix: two replacements in p.go in position order, then q.go.
	if len(res.Fixes) != 1 {
		t.Fatalf("%d fixes, want 1", len(res.Fixes))
	}
	fix := res.Fixes[0]
	if *fix.Description.Text != "Call good instead" {
		t.Errorf("fix description = %q", *fix.Description.Text)
	}
	var changes []string
	for _, c := range fix.ArtifactChanges {
		if *c.ArtifactLocation.URIBaseID != "%SRCROOT%" {
			t.Errorf("change of %s has base %s", *c.ArtifactLocation.URI, *c.ArtifactLocation.URIBaseID)
		}
		for _, r := range c.Replacements {
			text := "(deleted)"
			if r.InsertedContent != nil {
				text = strconv.Quote(*r.InsertedContent.Text)
			}
			changes = append(changes, *c.ArtifactLocation.URI+" "+regionSpan(r.DeletedRegion)+" "+text)
		}
	}
	wantChanges := []string{
		`p.go 8:23-8:26 "good"`,
		`p.go 8:28-8:39 (deleted)`,
		`q.go 1:1-1:1 "// calls good\n"`,
	}
	if !reflect.DeepEqual(changes, wantChanges) {
		t.Errorf("fix changes:\n%s\nwant:\n%s", strings.Join(changes, "\n"), strings.Join(wantChanges, "\n"))
	}

	// The same findings print the same bytes.
	if again := sarifOf(t, []*analysis.Analyzer{a}, dir); !bytes.Equal(again, out) {
		t.Errorf("second run printed different SARIF")
	}

	// The validation itself catches a broken log.
	for _, broken := range []struct{ old, new string }{
		{`"level": "warning"`, `"level": "warn"`},
		{`"startColumn": 23`, `"startColumn": 0`},
		{`"ruleId": "badcalls"`, `"ruleId": "badcalls", "bogus": 1`},
		{`"version": "2.1.0"`, `"version": "2.2"`},
	} {
		bad := strings.Replace(string(out), broken.old, broken.new, 1)
		if bad == string(out) {
			t.Errorf("log has no %s to break", broken.old)
			continue
		}
		if _, err := validateSARIF([]byte(bad)); err == nil {
			t.Errorf("log with %s passes validation", broken.new)
		}
	}
}

// checkLocation checks that loc is in the file at uri under %SRCROOT%,
// spanning want ("line:col-line:col").
func checkLocation(t *testing.T, what string, loc *sarif.Location, uri, want string) {
	t.Helper()
	art := loc.PhysicalLocation.ArtifactLocation
	if *art.URI != uri || art.URIBaseID == nil || *art.URIBaseID != "%SRCROOT%" {
		t.Errorf("%s in %s (base %v), want %s under %%SRCROOT%%", what, *art.URI, art.URIBaseID, uri)
	}
	if got := regionSpan(loc.PhysicalLocation.Region); got != want {
		t.Errorf("%s spans %s, want %s", what, got, want)
	}
}

// regionSpan formats a region as "line:col-line:col".
func regionSpan(r *sarif.Region) string {
	if r == nil || r.StartLine == nil || r.StartColumn == nil || r.EndLine == nil || r.EndColumn == nil {
		return "(incomplete region)"
	}
	return strconv.Itoa(*r.StartLine) + ":" + strconv.Itoa(*r.StartColumn) + "-" +
		strconv.Itoa(*r.EndLine) + ":" + strconv.Itoa(*r.EndColumn)
}

// selfExecSrc is a program that runs itself as a worker. The spawn is
// on a line with a two-byte character before it, which is one column in
// UTF-16.
const selfExecSrc = `package main

import (
	"os"
	"os/exec"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "agent" {
		return
	}
	exe, _ := os.Executable()
	_, cmd := "ü", exec.Command(exe, "agent")
	cmd.Stdout = os.Stdout
	cmd.Run()
}
`

// TestCheckSARIF runs check with the suite as the command does, and
// compares the SARIF log with the text output of the same findings.
func TestCheckSARIF(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"go.mod":       "module example.com/x\n\ngo 1.22\n",
		"main.go":      selfExecSrc,
		"main_test.go": "package main\n\nimport \"testing\"\n\nfunc TestNothing(t *testing.T) {}\n",
	})
	run := func(format outputFormat) []byte {
		var out bytes.Buffer
		err := runCheck(context.Background(), &out, &progress{}, dir, []string{"./..."}, format)
		if !errors.Is(err, errFindings) {
			t.Fatalf("check --format=%s: %v, want findings", format, err)
		}
		return out.Bytes()
	}
	text := run(formatText)
	rep := checkSARIF(t, run(formatSARIF))
	run0 := rep.Runs[0]

	// A rule for each analyzer of the suite, in its order.
	if len(run0.Tool.Driver.Rules) != len(suite) {
		t.Fatalf("%d rules for %d analyzers", len(run0.Tool.Driver.Rules), len(suite))
	}
	for i, a := range suite {
		rule := run0.Tool.Driver.Rules[i]
		title, _, _ := strings.Cut(a.Doc, "\n")
		if *rule.ID != a.Name || *rule.ShortDescription.Text != title || *rule.HelpURI != a.URL || *rule.FullDescription.Text == "" {
			t.Errorf("rule %d = %s %q %s, want %s %q %s", i, *rule.ID, *rule.ShortDescription.Text, *rule.HelpURI, a.Name, title, a.URL)
		}
	}

	// A result for each line of text, at the same place, the column one
	// less after "ü".
	lineRE := regexp.MustCompile(`^(\S+):(\d+):(\d+): (.*) \((\w+)\)$`)
	var want, got []string
	for line := range strings.Lines(string(text)) {
		m := lineRE.FindStringSubmatch(strings.TrimSuffix(line, "\n"))
		if m == nil {
			t.Fatalf("bad text line %q", line)
		}
		col, _ := strconv.Atoi(m[3])
		if m[2] == "13" {
			col--
		}
		want = append(want, strings.Join([]string{m[1], m[2], strconv.Itoa(col), m[4], m[5]}, " "))
	}
	for _, res := range run0.Results {
		loc := res.Locations[0].PhysicalLocation
		got = append(got, strings.Join([]string{*loc.ArtifactLocation.URI, strconv.Itoa(*loc.Region.StartLine),
			strconv.Itoa(*loc.Region.StartColumn), *res.Message.Text, *res.RuleID}, " "))
		if *run0.Tool.Driver.Rules[res.RuleIndex].ID != *res.RuleID {
			t.Errorf("result of %s has the index of rule %s", *res.RuleID, *run0.Tool.Driver.Rules[res.RuleIndex].ID)
		}
	}
	if len(want) == 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("SARIF results:\n%s\nwant, from the text output:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestUTF16Column(t *testing.T) {
	src := newSourceLines([]byte("ab\ré😀x\n\xffy\r\nlast"))
	tests := []struct {
		line, col, want int
	}{
		{1, 1, 1},
		{1, 4, 4},   // after "ab\r"
		{1, 6, 5},   // after é, two bytes
		{1, 10, 7},  // after 😀, four bytes, two UTF-16 units
		{1, 11, 8},  // at the newline
		{1, 12, 12}, // past the line: kept in bytes
		{2, 2, 2},   // after a byte that is not UTF-8
		{2, 4, 4},   // at the newline after "\r"
		{3, 5, 5},   // end of a last line without a newline
		{4, 1, 1},   // no such line
		{0, 3, 3},
	}
	for _, tt := range tests {
		if got := src.utf16Column(tt.line, tt.col); got != tt.want {
			t.Errorf("utf16Column(%d, %d) = %d, want %d", tt.line, tt.col, got, tt.want)
		}
	}
	if got := newSourceLines(nil).utf16Column(1, 7); got != 7 {
		t.Errorf("unread file: column %d, want 7", got)
	}
}

func TestSARIFURIs(t *testing.T) {
	tests := []struct{ got, want string }{
		{relURI("main.go"), "main.go"},
		{relURI("sub dir/main.go"), "sub%20dir/main.go"},
		{relURI("é.go"), "%C3%A9.go"},
		{relURI("a:b.go"), "./a:b.go"}, // not a scheme
		{relURI("100%.go"), "100%25.go"},
		{fileURI("/src/x y/main.go"), "file:///src/x%20y/main.go"},
		{dirURI("/src/mod"), "file:///src/mod/"},
		{dirURI("/"), "file:///"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
	}
}

// TestSARIFOutsideDir checks that a file outside the -C directory is
// named by an absolute URI, with no base that would misplace it.
func TestSARIFOutsideDir(t *testing.T) {
	b := &sarifBuilder{dir: "/src/mod", sources: make(map[string]*sourceLines)}
	loc := b.artifact("/src/other/x.go")
	if *loc.URI != "file:///src/other/x.go" || loc.URIBaseID != nil {
		t.Errorf("artifact = %s base %v", *loc.URI, loc.URIBaseID)
	}
}
