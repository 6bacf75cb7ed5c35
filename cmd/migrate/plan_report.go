package main

import "fmt"

// The types below are the JSON output of "migrate plan --json", documented
// field by field in docs/plan.md. The Markdown output is rendered from the
// same values, so both always say the same thing.
//
// Compatibility: planVersion changes when a field is removed or changes
// meaning; fields may be added without a change. Lists are never null:
// an empty list is [].

// planVersion is the version of the JSON structure.
const planVersion = 1

// Levels of a planRewrite, as rewrite.Level values are named in JSON.
const (
	levelUnchanged     = "unchanged"
	levelInProcess     = "in-process"
	levelTypedChannels = "typed-channels"
)

// Values of planHazard.AddressedBy.
const (
	byNothing = ""
	byFix     = "suggested-fix"
	byRewrite = "rewrite"
)

// Values of planStream.Direction.
const (
	toWorker = "to-worker"
	toParent = "to-parent"
)

// planReport is the whole plan.
type planReport struct {
	Version     int           `json:"version"`
	Summary     planSummary   `json:"summary"`
	Packages    []planPackage `json:"packages"`
	Files       []planFile    `json:"files"`
	NeedsPerson planAttention `json:"needs_person"`
}

// planSummary counts what the rest of the report lists.
type planSummary struct {
	Sites         int `json:"sites"`
	TypedChannels int `json:"typed_channels"`
	InProcess     int `json:"in_process"`
	Unchanged     int `json:"unchanged"`
	NotRewritten  int `json:"not_rewritten"` // sites the rewriter said nothing about
	Hazards       int `json:"hazards"`
	NeedsPerson   int `json:"needs_person"` // sites plus hazards in NeedsPerson
}

// planPackage is one package with a worker or a hazard.
type planPackage struct {
	Path    string            `json:"path"`
	Roles   []planRole        `json:"roles"`
	Hazards []planHazardGroup `json:"hazards"`
}

// planRole is one worker role of a package: the spawn sites that start it
// and the branch that serves it.
type planRole struct {
	Role       string         `json:"role"`  // "" when the role argument is not a constant
	Serve      string         `json:"serve"` // serving function, "" when inline or not found
	Dispatches []planDispatch `json:"dispatches"`
	Spawns     []planSpawn    `json:"spawns"`
	Streams    []planStream   `json:"streams"`
	ToWorker   []string       `json:"to_worker"` // message types sent to the worker
	ToParent   []string       `json:"to_parent"` // message types sent back
}

// planDispatch is a branch that runs when os.Args[1] names the role.
type planDispatch struct {
	Pos     planPos `json:"pos"`
	Func    string  `json:"func"`    // the function the branch is in
	Serve   string  `json:"serve"`   // the function the branch serves the role with, "" if inline
	Started bool    `json:"started"` // whether the spawns start this one
}

// planSpawn is one exec.Command or exec.CommandContext call that
// re-executes the running binary.
type planSpawn struct {
	Pos     planPos      `json:"pos"`
	Func    string       `json:"func"` // enclosing function, "" at package level
	Call    string       `json:"call"` // "exec.Command" or "exec.CommandContext"
	Self    string       `json:"self"` // what shows the program is this binary
	Rewrite *planRewrite `json:"rewrite"`
}

// planRewrite is what the rewrite would do to a spawn site.
type planRewrite struct {
	Level  string   `json:"level"`
	Reason string   `json:"reason"` // why it goes no deeper, "" when fully converted
	Notes  []string `json:"notes"`
}

// planStream is one standard stream between parent and worker.
type planStream struct {
	Stream    string    `json:"stream"`    // "stdin", "stdout" or "stderr"
	Direction string    `json:"direction"` // toWorker or toParent
	Parent    []planEnd `json:"parent"`    // the pipe each spawn opens
	Worker    *planEnd  `json:"worker"`    // the serving function's parameter
	Types     []string  `json:"types"`     // message types seen on either end
}

// planEnd is one end of a stream.
type planEnd struct {
	Pos   planPos  `json:"pos"`
	Codec string   `json:"codec"` // "json.Encoder" and the like, "" for raw bytes
	Types []string `json:"types"`
	Param string   `json:"param,omitempty"` // worker side: the parameter's name
}

// planHazardGroup is what one analyzer reports for a package.
type planHazardGroup struct {
	Analyzer string       `json:"analyzer"`
	Hazards  []planHazard `json:"hazards"`
}

// planHazard is one diagnostic.
type planHazard struct {
	Pos         planPos  `json:"pos"`
	Category    string   `json:"category"`
	Message     string   `json:"message"`
	Roles       []string `json:"roles"`        // roles whose code it lies in
	AddressedBy string   `json:"addressed_by"` // byFix, byRewrite or byNothing
}

// planFile is a file the rewrite would change.
type planFile struct {
	Path    string `json:"path"`
	New     bool   `json:"new"`
	Added   int    `json:"added"`   // lines
	Removed int    `json:"removed"` // lines
}

// planAttention is what the rewrite leaves to a person.
type planAttention struct {
	Sites   []planOpenSite   `json:"sites"`
	Hazards []planOpenHazard `json:"hazards"`
}

// planOpenSite is a spawn site the rewrite does not convert.
type planOpenSite struct {
	Package string  `json:"package"`
	Role    string  `json:"role"`
	Pos     planPos `json:"pos"`
	Reason  string  `json:"reason"`
}

// planOpenHazard is a hazard nothing addresses.
type planOpenHazard struct {
	Package  string   `json:"package"`
	Analyzer string   `json:"analyzer"`
	Pos      planPos  `json:"pos"`
	Message  string   `json:"message"`
	Roles    []string `json:"roles"`
}

// planPos is a position, its file relative to the -C directory when it
// lies inside it.
type planPos struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// String formats p as file:line:col.
func (p planPos) String() string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}
