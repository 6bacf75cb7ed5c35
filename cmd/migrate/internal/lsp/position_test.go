package lsp

import (
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"golang.org/x/tools/go/analysis"
)

func pos(line, char uint32) protocol.Position {
	return protocol.Position{Line: line, Character: char}
}

func TestMapperPosition(t *testing.T) {
	tests := []struct {
		name    string
		content string
		off     int
		want    protocol.Position
	}{
		{"start", "abc", 0, pos(0, 0)},
		{"ascii", "abc", 2, pos(0, 2)},
		{"end of content", "abc", 3, pos(0, 3)},
		{"beyond content", "abc", 9, pos(0, 3)},
		{"second line", "ab\ncd", 4, pos(1, 1)},
		{"at line break", "ab\ncd", 2, pos(0, 2)},
		{"after final break", "ab\n", 3, pos(1, 0)},
		{"crlf", "ab\r\ncd", 5, pos(1, 1)},
		{"inside crlf", "ab\r\ncd", 3, pos(0, 3)},
		{"lone cr", "ab\rcd", 4, pos(1, 1)},
		{"two bytes, one unit", "é=x", 3, pos(0, 2)},
		{"three bytes, one unit", "世=x", 4, pos(0, 2)},
		{"four bytes, two units", "🙂=x", 5, pos(0, 3)},
		{"mixed", "\t/* é 世 🙂 */ legacy()", 19, pos(0, 14)},
		{"inside a character", "🙂x", 2, pos(0, 2)},
		{"invalid byte", "\xffx", 1, pos(0, 1)},
	}
	for _, tt := range tests {
		m := newMapper([]byte(tt.content))
		if got := m.position(tt.off); got != tt.want {
			t.Errorf("%s: position(%q, %d) = %v, want %v", tt.name, tt.content, tt.off, got, tt.want)
		}
	}
}

func TestMapperOffset(t *testing.T) {
	tests := []struct {
		name    string
		content string
		p       protocol.Position
		want    int
	}{
		{"start", "abc", pos(0, 0), 0},
		{"ascii", "abc", pos(0, 2), 2},
		{"second line", "ab\ncd", pos(1, 1), 4},
		{"beyond line end", "ab\ncd", pos(0, 7), 2},
		{"beyond crlf line end", "ab\r\ncd", pos(0, 7), 2},
		{"beyond lone cr line end", "ab\rcd", pos(0, 7), 2},
		{"beyond last line", "ab\ncd", pos(5, 0), 5},
		{"last line end", "ab\ncd", pos(1, 9), 5},
		{"after surrogate pair", "🙂=x", pos(0, 2), 4},
		{"inside surrogate pair", "🙂=x", pos(0, 1), 0},
		{"mixed", "\t/* é 世 🙂 */ legacy()", pos(0, 14), 19},
	}
	for _, tt := range tests {
		m := newMapper([]byte(tt.content))
		if got := m.offset(tt.p); got != tt.want {
			t.Errorf("%s: offset(%q, %v) = %d, want %d", tt.name, tt.content, tt.p, got, tt.want)
		}
	}
}

// TestMapperRoundTrip converts every character boundary of a text with
// every kind of line break and character width both ways.
func TestMapperRoundTrip(t *testing.T) {
	content := "a\r\né世🙂\n\rx🙂\r\n\n"
	m := newMapper([]byte(content))
	for off := range len(content) + 1 {
		if off < len(content) && content[off]&0xC0 == 0x80 {
			continue // inside a character
		}
		if off > 0 && content[off-1] == '\r' && off < len(content) && content[off] == '\n' {
			continue // between the two bytes of one line break
		}
		p := m.position(off)
		if got := m.offset(p); got != off {
			t.Errorf("offset(position(%d) = %v) = %d", off, p, got)
		}
	}
}

func TestApplyChange(t *testing.T) {
	text := []byte("héllo\n🙂 world\n")
	got := applyChange(text, &protocol.TextDocumentContentChangePartial{
		Range: protocol.Range{Start: pos(1, 3), End: pos(1, 8)},
		Text:  "there",
	})
	if want := "héllo\n🙂 there\n"; string(got) != want {
		t.Errorf("ranged change gave %q, want %q", got, want)
	}
	if string(text) != "héllo\n🙂 world\n" {
		t.Errorf("ranged change modified the old text to %q", text)
	}
	got = applyChange(text, &protocol.TextDocumentContentChangeWholeDocument{Text: "new"})
	if string(got) != "new" {
		t.Errorf("whole change gave %q, want %q", got, "new")
	}
}

func TestDocURL(t *testing.T) {
	a := &analysis.Analyzer{Name: "x", URL: "https://example.com/docs/analyzers.md#x"}
	tests := []struct {
		name string
		d    analysis.Diagnostic
		want uri.URI
	}{
		{"no URL", analysis.Diagnostic{}, "https://example.com/docs/analyzers.md#x"},
		{"category set by the checker", analysis.Diagnostic{Category: "worker", URL: "https://example.com/docs/analyzers.md#worker"}, "https://example.com/docs/analyzers.md#x"},
		{"own fragment", analysis.Diagnostic{URL: "#x-pipes"}, "https://example.com/docs/analyzers.md#x-pipes"},
		{"own page", analysis.Diagnostic{URL: "https://example.org/why"}, "https://example.org/why"},
	}
	for _, tt := range tests {
		if got, _ := docURL(a, tt.d); got != tt.want {
			t.Errorf("%s: docURL = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got, ok := docURL(&analysis.Analyzer{Name: "y"}, analysis.Diagnostic{}); ok {
		t.Errorf("docURL without any URL = %q, want none", got)
	}
}
