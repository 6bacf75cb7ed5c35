package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"
)

// progress shows how far a command has come as one line on stderr, which
// every update rewrites in place: "\r" takes the cursor back to the start
// of the line and spaces cover what is left of a longer line before.
// It is off unless stderr is a terminal, so a log, a pipe or a CI job gets
// none of it; and it never touches stdout, which carries the output.
//
// Its methods may be called from several goroutines. A command calls done
// before it writes anything else to a terminal, or its own line would be
// appended to the progress line.
type progress struct {
	mu    sync.Mutex
	w     io.Writer // nil when progress is off
	width int       // runes of the line shown now, 0 when none is
}

// progress returns the progress line of a command: on Stderr when it is a
// terminal, off otherwise.
func (env *cliEnv) progress() *progress {
	if env.StderrIsTerminal == nil || !env.StderrIsTerminal() {
		return &progress{}
	}
	return &progress{w: env.Stderr}
}

// printf replaces the line shown with a new one. The line must fit on
// one row of the terminal: a wrapped line cannot be taken back with "\r".
func (p *progress) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.w == nil {
		return // off
	}
	line := fmt.Sprintf(format, args...)
	n := utf8.RuneCountInString(line)
	p.write("\r" + line + strings.Repeat(" ", max(p.width-n, 0)))
	p.width = n
}

// counter returns a function that counts one more of total things done
// and shows "what i/total". It shows "what 0/total" at once.
func (p *progress) counter(what string, total int) func() {
	var mu sync.Mutex // orders the counts, so the line never goes back
	done := 0
	p.printf("%s %d/%d", what, done, total)
	return func() {
		mu.Lock()
		defer mu.Unlock()
		done++
		p.printf("%s %d/%d", what, done, total)
	}
}

// done blanks the line shown, if any, and leaves the cursor at its start,
// where the command's next output belongs. It may be called again.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.w == nil || p.width == 0 {
		return
	}
	p.write("\r" + strings.Repeat(" ", p.width) + "\r")
	p.width = 0
}

// write writes s to the terminal. Progress is an aid, not output: when the
// terminal cannot be written to, progress turns itself off and the command
// goes on, and whatever it prints next will meet the error itself.
func (p *progress) write(s string) {
	if _, err := io.WriteString(p.w, s); err != nil {
		p.w = nil
	}
}
