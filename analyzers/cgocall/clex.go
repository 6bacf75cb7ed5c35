package cgocall

import (
	"fmt"
	"strings"
)

// This file splits the C text of a cgo preamble into tokens. It knows
// enough of C's lexical grammar to never mistake a comment, a string or a
// character literal for code, and it sets preprocessor lines aside whole,
// since the preamble's #cgo and #include lines say which libraries are in
// use but declare nothing the scanner can read.

// ctokKind is the kind of a C token.
type ctokKind int

const (
	cIdent  ctokKind = iota // identifiers and keywords
	cNumber                 // integer and floating constants
	cString                 // "..." and '...' literals
	cPunct                  // operators and punctuation
)

// ctok is one C token and the line of the preamble it starts on, from 1.
type ctok struct {
	kind ctokKind
	text string
	line int
}

// cpunct are C's operators of more than one character, longest first, so
// that the first match is the right one.
var cpunct = []string{
	"<<=", ">>=", "...",
	"->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
	"+=", "-=", "*=", "/=", "%=", "&=", "^=", "|=", "##",
}

// lexC returns the tokens of src and its preprocessor lines, each with
// its continuation lines joined and comments removed. An unterminated
// comment, string or character literal is an error: cgo could not have
// compiled such a preamble either.
func lexC(src string) (toks []ctok, directives []string, err error) {
	var (
		line      = 1
		lineStart = true // only blanks since the last newline
	)
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			line++
			lineStart = true
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case strings.HasPrefix(src[i:], "//"):
			i = skipLineComment(src, i)
			continue
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, nil, fmt.Errorf("line %d: unterminated comment", line)
			}
			line += strings.Count(src[i:i+2+end], "\n")
			i += 2 + end + 2
			continue
		case c == '#' && lineStart:
			var text string
			text, i, line = directive(src, i, line)
			directives = append(directives, text)
			continue
		}
		lineStart = false

		start, startLine := i, line
		kind := cPunct
		switch {
		case isIdentStart(c):
			kind = cIdent
			for i < len(src) && isIdentPart(src[i]) {
				i++
			}
		case isDigit(c) || c == '.' && i+1 < len(src) && isDigit(src[i+1]):
			kind = cNumber
			i = skipNumber(src, i)
		case c == '"' || c == '\'':
			kind = cString
			end, ok := skipQuoted(src, i)
			if !ok {
				return nil, nil, fmt.Errorf("line %d: unterminated %s literal", line, literalName(c))
			}
			i = end
		default:
			i += punctLen(src[i:])
		}
		toks = append(toks, ctok{kind: kind, text: src[start:i], line: startLine})
	}
	return toks, directives, nil
}

// skipLineComment returns the index of the newline that ends the comment
// starting at i, or len(src).
func skipLineComment(src string, i int) int {
	if j := strings.IndexByte(src[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(src)
}

// directive reads the preprocessor line starting at src[i] == '#', with
// backslash-newline continuations, and returns its text without comments,
// the index after it and the line number there.
func directive(src string, i, line int) (string, int, int) {
	var b strings.Builder
	for i < len(src) && src[i] != '\n' {
		switch {
		case src[i] == '\\' && i+1 < len(src) && src[i+1] == '\n':
			b.WriteByte(' ')
			i += 2
			line++
		case strings.HasPrefix(src[i:], "//"):
			i = skipLineComment(src, i)
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				end = len(src) - i - 2 // unterminated: the rest is comment
			}
			line += strings.Count(src[i:min(len(src), i+2+end)], "\n")
			b.WriteByte(' ')
			i = min(len(src), i+2+end+2)
		default:
			b.WriteByte(src[i])
			i++
		}
	}
	return strings.Join(strings.Fields(b.String()), " "), i, line
}

// skipQuoted returns the index after the string or character literal
// starting at src[i], and false if the line or the text ends first.
func skipQuoted(src string, i int) (int, bool) {
	quote := src[i]
	for i++; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++ // skip the escaped character, even a quote
		case '\n':
			return i, false
		case quote:
			return i + 1, true
		}
	}
	return i, false
}

// skipNumber returns the index after the numeric constant at src[i]:
// digits, letters for bases and suffixes, dots and signed exponents.
func skipNumber(src string, i int) int {
	for i < len(src) {
		c := src[i]
		switch {
		case isIdentPart(c) || c == '.':
			i++
		case (c == '+' || c == '-') && strings.ContainsRune("eEpP", rune(src[i-1])):
			i++
		default:
			return i
		}
	}
	return i
}

// punctLen returns the length of the operator at the start of s.
func punctLen(s string) int {
	for _, p := range cpunct {
		if strings.HasPrefix(s, p) {
			return len(p)
		}
	}
	return 1
}

func literalName(quote byte) string {
	if quote == '"' {
		return "string"
	}
	return "character"
}

func isIdentStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
