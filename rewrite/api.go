package rewrite

import (
	"go/token"
	"io/fs"
)

// Config says which packages to rewrite and where.
type Config struct {
	// Dir is the directory the patterns are resolved in (the -C flag).
	Dir string
	// Patterns are go/packages patterns such as "./...".
	Patterns []string
}

// Level is how deep a spawn site was converted.
type Level int

const (
	// Unchanged means the site was left as it was; Site.Reason says why.
	Unchanged Level = iota
	// InProcess runs the worker's serving code on a goroutine connected by
	// in-memory pipes; the wire protocol is untouched.
	InProcess
	// TypedChannels also replaces the codec: each direction hands values
	// of its message type to the other end with no encoding, through a
	// typed in-memory queue with a pipe's capacity, and closing the
	// sending end makes the receiver's Decode return io.EOF.
	TypedChannels
)

// Site reports what happened to one spawn site.
type Site struct {
	Pos    token.Position
	Role   string
	Level  Level
	Reason string   // why the site stayed at Level and did not go deeper
	Notes  []string // other changes made for this site, such as privatized state
}

// File is one rewritten file.
type File struct {
	Path string // absolute
	Old  []byte
	New  []byte
	Mode fs.FileMode
}

// Result is what a run would change.
type Result struct {
	Files []File
	Sites []Site
}
