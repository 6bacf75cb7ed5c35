package suite_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/procmigrate/procmigrate/analyzers/suite"
)

// TestDocsListEveryAnalyzer reads README.md and the pages of docs/ for
// lists of analyzers and checks that each names all of suite.All(), or
// in a paragraph about fixes, exactly those that offer suggested fixes or
// exactly those that offer none: a page written when the suite had fewer analyzers would otherwise
// keep telling users to run, or configure, fewer than there are. A list
// is
//
//   - names joined by commas, "and" or "or" in a sentence:
//     "`execworker`, `pipeipc` and `procglobal`";
//   - rows of a table or items of a bulleted list that start with a name;
//   - analyzers/NAME paths in one fenced code block, such as a BUILD file,
//     and names joined on one line of a code block, as in a message.
//
// docs/analyzers.md must also have a section per analyzer, with a
// "Suggested fixes" part for each that offers fixes, and the go fix section
// of docs/govet.md must name every analyzer, so that it says of each
// whether it offers fixes.
func TestDocsListEveryAnalyzer(t *testing.T) {
	names := analyzerNames()
	fixers := analyzersWithFixes(t, names)
	pages, err := filepath.Glob(filepath.Join("..", "..", "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages = append(pages, filepath.Join("..", "..", "README.md"))
	lists := 0
	for _, page := range pages {
		text := readPage(t, page)
		found := analyzerLists(text, names)
		lists += len(found)
		for _, l := range found {
			if msg := checkList(l, names, fixers); msg != "" {
				t.Errorf("%s:%d: %s", page, l.line, msg)
			}
		}
	}
	if lists == 0 {
		t.Fatal("no list of analyzers was found in the docs")
	}

	analyzersPage := readPage(t, filepath.Join("..", "..", "docs", "analyzers.md"))
	for _, name := range names {
		section := markdownSection(analyzersPage, "## "+name)
		switch {
		case section == "":
			t.Errorf("docs/analyzers.md has no section ## %s", name)
		case slices.Contains(fixers, name) && !strings.Contains(section, "\n### Suggested fixes\n"):
			t.Errorf("docs/analyzers.md: section ## %s does not describe its suggested fixes", name)
		}
	}
	goFix := markdownSection(readPage(t, filepath.Join("..", "..", "docs", "govet.md")), "## go fix")
	if goFix == "" {
		t.Fatal("docs/govet.md has no section ## go fix")
	}
	for _, name := range names {
		if !slices.Contains(mentioned(goFix, names), name) {
			t.Errorf("docs/govet.md: section ## go fix does not say whether %s offers fixes", name)
		}
	}
}

// TestDocsListCheckFails runs the check of TestDocsListEveryAnalyzer on a
// page that lists too few analyzers in every form it recognizes, and on
// mentions that are not lists, so that the check is seen to fail where it
// should and only there.
func TestDocsListCheckFails(t *testing.T) {
	names := analyzerNames()
	fixers := analyzersWithFixes(t, names)
	var got []string
	for _, l := range analyzerLists(readPage(t, filepath.Join("testdata", "docs", "drift.md")), names) {
		if msg := checkList(l, names, fixers); msg != "" {
			got = append(got, fmt.Sprintf("%d: %s", l.line, msg))
		}
	}
	all := strings.Join(names, ", ")
	want := []string{
		"4: lists execworker, pipeipc, procglobal, cgocall; the analyzers are " + all,
		"7: lists execworker, pipeipc, procglobal; the analyzers are " + all,
		"20: lists execworker, pipeipc, procglobal, sharedvar; the analyzers are " + all,
		"25: lists execworker, pipeipc; the analyzers are " + all,
		"42: lists execworker, pipeipc, procglobal; the analyzers are " + all,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems found in testdata/docs/drift.md:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// analyzerNames returns the names of the analyzers of the suite.
func analyzerNames() []string {
	var names []string
	for _, a := range suite.All() {
		names = append(names, a.Name)
	}
	return names
}

// analyzersWithFixes returns the analyzers of names that offer suggested
// fixes: those with a .golden file among their fixtures, which is how
// analysistest checks a fix.
func analyzersWithFixes(t *testing.T, names []string) []string {
	t.Helper()
	var out []string
	for _, name := range names {
		found := false
		err := filepath.WalkDir(filepath.Join("..", name, "testdata"), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".golden") {
				found = true
				return filepath.SkipAll
			}
			return nil
		})
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if found {
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		t.Fatal("no analyzer has a .golden file; the fixtures were not found")
	}
	return out
}

func readPage(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// An analyzerList is one list of analyzers on a page.
type analyzerList struct {
	line  int // where it starts, from 1
	names []string

	// aboutFixes is set for a list in a sentence of a paragraph about
	// fixes, which may name only the analyzers that offer them, or only
	// those that do not.
	aboutFixes bool
}

// checkList returns what is wrong with l, or "" when it names every
// analyzer, or, in a paragraph about fixes, exactly those that offer
// fixes or exactly those that offer none.
func checkList(l analyzerList, names, fixers []string) string {
	var others []string
	for _, n := range names {
		if !slices.Contains(fixers, n) {
			others = append(others, n)
		}
	}
	if sameSet(l.names, names) || l.aboutFixes && (sameSet(l.names, fixers) || sameSet(l.names, others)) {
		return ""
	}
	return fmt.Sprintf("lists %s; the analyzers are %s", strings.Join(l.names, ", "), strings.Join(names, ", "))
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// analyzerLists returns the lists of two analyzers or more in a Markdown
// page, in the order they appear.
func analyzerLists(page string, names []string) []analyzerList {
	var (
		lists []analyzerList
		lines = strings.Split(page, "\n")
		para  []string // lines of the current paragraph
		start int      // line number of para[0]
		rows  analyzerList
		fence *analyzerList // the fenced code block being read
	)
	add := func(l analyzerList) {
		if len(l.names) >= 2 {
			lists = append(lists, l)
		}
	}
	endParagraph := func() {
		text := strings.Join(para, "\n")
		for _, l := range sentenceLists(text, names) {
			l.line += start
			l.aboutFixes = strings.Contains(strings.ToLower(text), "fix")
			add(l)
		}
		para = nil
	}
	endRows := func() {
		add(rows)
		rows = analyzerList{}
	}
	for i, line := range lines {
		n := i + 1
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") {
			if fence == nil {
				endParagraph()
				endRows()
				fence = &analyzerList{line: n}
			} else {
				add(*fence)
				fence = nil
			}
			continue
		}
		if fence != nil {
			for _, m := range pathRef.FindAllStringSubmatch(line, -1) {
				if slices.Contains(names, m[1]) && !slices.Contains(fence.names, m[1]) {
					fence.names = append(fence.names, m[1])
				}
			}
			// A line of output may list them too, as an error message
			// that names the analyzers does.
			for _, l := range sentenceLists(line, names) {
				l.line = n
				add(l)
			}
			continue
		}

		// A row or item starting with a name continues a list of rows; any
		// other line ends it.
		if name := leadingName(trimmed, names); name != "" {
			if len(rows.names) == 0 {
				rows.line = n
			}
			if !slices.Contains(rows.names, name) {
				rows.names = append(rows.names, name)
			}
		} else if !isTableRule(trimmed) {
			endRows()
		}

		if trimmed == "" {
			endParagraph()
			continue
		}
		if len(para) == 0 {
			start = n
		}
		para = append(para, line)
	}
	endParagraph()
	endRows()
	return lists
}

// pathRef matches a package path of an analyzer, as in a BUILD file's
// label or an import path.
var pathRef = regexp.MustCompile(`analyzers/([a-z0-9]+)\b`)

// leadingName returns the analyzer that a table row's first cell or a
// bulleted item's first word names, written as the name, `name`,
// [name](link) or the path analyzers/name; or "".
func leadingName(line string, names []string) string {
	var first string
	switch {
	case strings.HasPrefix(line, "|"):
		first, _, _ = strings.Cut(strings.TrimPrefix(line, "|"), "|")
	case strings.HasPrefix(line, "- "), strings.HasPrefix(line, "* "):
		// An item is about the analyzer when the name is its subject
		// followed by a colon or a dash, not a word of a sentence.
		item := line[2:]
		end := strings.IndexAny(item, ":—")
		if end < 0 {
			return ""
		}
		first = item[:end]
	default:
		return ""
	}
	first = strings.TrimSpace(first)
	if link := markdownLink.FindStringSubmatch(first); link != nil {
		first = link[1]
	}
	first = strings.Trim(first, "`*")
	first = strings.TrimPrefix(first, "analyzers/")
	if slices.Contains(names, first) {
		return first
	}
	return ""
}

// markdownLink matches a whole [text](target).
var markdownLink = regexp.MustCompile(`^\[([^\]]*)\]\([^)]*\)$`)

// isTableRule reports whether line is the rule under a table's header.
func isTableRule(line string) bool {
	return strings.HasPrefix(line, "|") && strings.Trim(line, "|-: ") == ""
}

// sentenceLists returns the names of text joined into enumerations:
// "a, b and c", "a or b", "`a`, `b`". Line numbers are relative to the
// first line of text.
func sentenceLists(text string, names []string) []analyzerList {
	var (
		out  []analyzerList
		cur  analyzerList
		prev = -1 // end of the last name of cur
	)
	for _, m := range wordRef(names).FindAllStringIndex(text, -1) {
		if !standalone(text, m[0], m[1]) {
			continue
		}
		name := text[m[0]:m[1]]
		if prev >= 0 && listSeparator.MatchString(text[prev:m[0]]) {
			if !slices.Contains(cur.names, name) {
				cur.names = append(cur.names, name)
			}
		} else {
			if len(cur.names) >= 2 {
				out = append(out, cur)
			}
			cur = analyzerList{line: strings.Count(text[:m[0]], "\n"), names: []string{name}}
		}
		prev = m[1]
	}
	if len(cur.names) >= 2 {
		out = append(out, cur)
	}
	return out
}

// wordRef matches any of names as a word.
func wordRef(names []string) *regexp.Regexp {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = regexp.QuoteMeta(n)
	}
	return regexp.MustCompile(`\b(?:` + strings.Join(quoted, "|") + `)\b`)
}

// listSeparator matches what stands between two names of a list, with the
// markup around them: "`, `", "](#a) and [", " or ".
var listSeparator = regexp.MustCompile("^[`*\\]]*(?:\\([^)\\s]*\\))?(?:,\\s*(?:and\\s+|or\\s+)?|\\s+(?:and|or)\\s+)[`*\\[]*$")

// standalone reports whether text[start:end] is a name on its own rather
// than part of a flag, path, directive or setting: -name, a/name,
// //nolint:name, name=false, name.setting.
func standalone(text string, start, end int) bool {
	if start > 0 && strings.ContainsRune("-/:.=", rune(text[start-1])) {
		return false
	}
	if end < len(text) && strings.ContainsRune("-/=", rune(text[end])) {
		return false
	}
	return end >= len(text)-1 || text[end] != '.' || text[end+1] == ' ' || text[end+1] == '\n'
}

// mentioned returns the names that text mentions on their own.
func mentioned(text string, names []string) []string {
	var out []string
	for _, m := range wordRef(names).FindAllStringIndex(text, -1) {
		if name := text[m[0]:m[1]]; standalone(text, m[0], m[1]) && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// markdownSection returns the section of page under the heading line, up
// to the next heading of the same level or higher, or "" if there is none.
func markdownSection(page, heading string) string {
	level := strings.Index(heading, " ")
	lines := strings.Split(page, "\n")
	for i, line := range lines {
		if line != heading {
			continue
		}
		end := len(lines)
		fenced := false
		for j := i + 1; j < len(lines) && end == len(lines); j++ {
			if strings.HasPrefix(lines[j], "```") {
				fenced = !fenced
			}
			h := strings.IndexFunc(lines[j], func(r rune) bool { return r != '#' })
			if !fenced && h > 0 && h <= level && lines[j][h] == ' ' {
				end = j // a shell comment in a code block is no heading
			}
		}
		return strings.Join(lines[i:end], "\n") + "\n"
	}
	return ""
}
