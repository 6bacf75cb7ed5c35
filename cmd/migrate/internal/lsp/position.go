package lsp

import (
	"unicode/utf8"

	"go.lsp.dev/protocol"
)

// A mapper converts between byte offsets into one file's content and LSP
// positions, whose character is counted in UTF-16 code units: a line of
// "héllo 🙂" is 8 units long but 11 bytes.
//
// Lines end at "\n", "\r\n" or a lone "\r", as the protocol says, which is
// not always where go/token would end them; converting through byte
// offsets keeps both views of a file consistent.
type mapper struct {
	content    []byte
	lineStarts []int // byte offset where each line begins
}

func newMapper(content []byte) *mapper {
	starts := []int{0}
	for i := 0; i < len(content); i++ {
		switch content[i] {
		case '\r':
			if i+1 < len(content) && content[i+1] == '\n' {
				i++
			}
		case '\n':
		default:
			continue
		}
		starts = append(starts, i+1)
	}
	return &mapper{content: content, lineStarts: starts}
}

// position returns the LSP position of byte offset off, which is clamped to
// the content. An offset inside a multi-byte character counts from the
// character's start.
func (m *mapper) position(off int) protocol.Position {
	off = max(0, min(off, len(m.content)))
	line := m.lineOf(off)
	start := m.lineStarts[line]
	return protocol.Position{Line: uint32(line), Character: utf16Len(m.content[start:off])}
}

// lineOf returns the index of the line holding off.
func (m *mapper) lineOf(off int) int {
	lo, hi := 0, len(m.lineStarts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if m.lineStarts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// rangeOf returns the LSP range of the bytes [start, end).
func (m *mapper) rangeOf(start, end int) protocol.Range {
	return protocol.Range{Start: m.position(start), End: m.position(max(start, end))}
}

// offset returns the byte offset of LSP position p. As the protocol asks,
// a character beyond the end of its line means the end of the line (before
// its line break) and a line beyond the last means the end of the content;
// a character between the two halves of a surrogate pair means the start
// of that character.
func (m *mapper) offset(p protocol.Position) int {
	if int(p.Line) >= len(m.lineStarts) {
		return len(m.content)
	}
	off, end := m.lineStarts[p.Line], m.lineEnd(int(p.Line))
	for units := uint32(0); off < end; {
		r, size := utf8.DecodeRune(m.content[off:end])
		n := runeUnits(r)
		if units+n > p.Character {
			break
		}
		units += n
		off += size
	}
	return off
}

// lineEnd returns the offset of the line break ending line, or of the end
// of the content for the last line.
func (m *mapper) lineEnd(line int) int {
	if line+1 >= len(m.lineStarts) {
		return len(m.content)
	}
	end := m.lineStarts[line+1] - 1 // the "\n", or a lone "\r"
	if end > m.lineStarts[line] && m.content[end] == '\n' && m.content[end-1] == '\r' {
		end--
	}
	return end
}

// utf16Len returns how many UTF-16 code units encode b. An invalid byte
// counts as one unit, as the U+FFFD an editor shows in its place does.
func utf16Len(b []byte) uint32 {
	var n uint32
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		n += runeUnits(r)
		b = b[size:]
	}
	return n
}

// runeUnits returns how many UTF-16 code units encode r: two for a
// character outside the Basic Multilingual Plane, one otherwise.
func runeUnits(r rune) uint32 {
	if r >= 0x10000 {
		return 2
	}
	return 1
}
