package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// printPlan writes rep to w as Markdown: a summary, a section per package
// with a subsection per role and its hazards by analyzer, the files the
// rewrite changes, and what needs a person.
func printPlan(w io.Writer, rep *planReport) error {
	var md planDoc
	md.line("# Migration plan")
	md.summary(rep)
	for _, pp := range rep.Packages {
		md.pkg(pp)
	}
	md.files(rep.Files)
	md.needsPerson(rep.NeedsPerson)
	_, err := io.WriteString(w, md.String())
	return err
}

// planDoc builds a Markdown document, a blank line between blocks.
type planDoc struct{ strings.Builder }

// line writes one block of text, such as a heading or a paragraph.
func (md *planDoc) line(format string, args ...any) {
	if md.Len() > 0 {
		md.WriteByte('\n')
	}
	fmt.Fprintf(md, format+"\n", args...)
}

// list writes a bulleted list; an item's continuation lines are indented
// by the caller.
func (md *planDoc) list(items []string) {
	if len(items) == 0 {
		return
	}
	md.line("- %s", strings.Join(items, "\n- "))
}

// table writes a table with a header row.
func (md *planDoc) table(header []string, rows [][]string) {
	var b strings.Builder
	row := func(cells []string) {
		for _, c := range cells {
			b.WriteString("| " + mdCell(c) + " ")
		}
		b.WriteString("|\n")
	}
	row(header)
	b.WriteString(strings.Repeat("|---", len(header)) + "|\n")
	for _, r := range rows {
		row(r)
	}
	md.line("%s", strings.TrimSuffix(b.String(), "\n"))
}

// mdCell makes s safe inside a table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

// mdCode formats s as inline code, "" as "".
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	return "`" + s + "`"
}

// summary writes the counts of the plan as a table, after the line
// "migrate rewrite" prints when there is nothing to migrate.
func (md *planDoc) summary(rep *planReport) {
	s := rep.Summary
	if s.Sites == 0 {
		md.line("no worker processes that re-execute this binary were found")
	}
	var header, row []string
	add := func(name string, n int) {
		header = append(header, name)
		row = append(row, strconv.Itoa(n))
	}
	add("spawn sites", s.Sites)
	add("typed channels", s.TypedChannels)
	add("in-process", s.InProcess)
	add("left unchanged", s.Unchanged)
	if s.NotRewritten > 0 {
		add("not reported by the rewriter", s.NotRewritten)
	}
	add("hazards", s.Hazards)
	add("needs a person", s.NeedsPerson)
	md.table(header, [][]string{row})
}

// pkg writes the section of one package.
func (md *planDoc) pkg(pp planPackage) {
	md.line("## Package %s", mdCode(pp.Path))
	for _, r := range pp.Roles {
		md.role(r)
	}
	md.line("### Hazards")
	if len(pp.Hazards) == 0 {
		md.line("The analyzers report nothing for this package.")
	}
	for _, g := range pp.Hazards {
		md.line("#### %s", g.Analyzer)
		var rows [][]string
		for _, h := range g.Hazards {
			rows = append(rows, []string{mdCode(h.Pos.String()), h.Message, mdRoles(h.Roles), planAddressedText(h.AddressedBy)})
		}
		md.table([]string{"position", "message", "role", "addressed by"}, rows)
	}
}

// role writes the subsection of one role.
func (md *planDoc) role(r planRole) {
	if r.Role == "" {
		md.line("### Role not constant")
	} else {
		md.line("### Role %q", r.Role)
	}
	md.line("%s", planServeText(r))
	md.spawns(r.Spawns)
	md.protocol(r)
}

// planServeText says what serves role r.
func planServeText(r planRole) string {
	var started *planDispatch
	var others []string
	for i, d := range r.Dispatches {
		if d.Started {
			started = &r.Dispatches[i]
		} else {
			others = append(others, fmt.Sprintf("in %s at %s", mdCode(d.Func), mdCode(d.Pos.String())))
		}
	}
	var text string
	switch {
	case started == nil && !slices.ContainsFunc(r.Spawns, func(s planSpawn) bool { return s.Call != "" }):
		// Only the rewrite reported these starts: they are started some
		// other way than exec.Command, which the plan does not follow.
		return "Started other than by `exec.Command` or `exec.CommandContext`, so the plan does not follow the worker's code; the rewrite's reason is below."
	case started == nil && r.Role == "":
		return "The role argument is not a constant string, so the worker's code is not known."
	case started == nil:
		return "No branch of this package dispatches the role on `os.Args[1]`, so the worker's code is not known."
	case started.Serve == "":
		text = fmt.Sprintf("Served inline by the branch in %s at %s.", mdCode(started.Func), mdCode(started.Pos.String()))
	default:
		text = fmt.Sprintf("Served by %s, called from the branch in %s at %s.",
			mdCode(started.Serve), mdCode(started.Func), mdCode(started.Pos.String()))
	}
	if len(others) > 0 {
		text += fmt.Sprintf(" Also dispatched %s; the rewrite follows the branch in %s.",
			strings.Join(others, " and "), mdCode(started.Func))
	}
	return text
}

// spawns writes the spawn sites of a role and what the rewrite does to
// each, with its reason and notes.
func (md *planDoc) spawns(spawns []planSpawn) {
	md.line("#### Spawn sites")
	var rows [][]string
	var details []string
	for _, s := range spawns {
		rows = append(rows, []string{mdCode(s.Pos.String()), mdCode(s.Call), mdCode(s.Self), mdCode(s.Func), planLevelText(s.Rewrite)})
		if s.Rewrite == nil || (s.Rewrite.Reason == "" && len(s.Rewrite.Notes) == 0) {
			continue // the table says it all
		}
		item := mdCode(s.Pos.String()) + ": " + planLevelText(s.Rewrite)
		if s.Rewrite.Reason != "" {
			item += ": " + s.Rewrite.Reason
		}
		for _, note := range s.Rewrite.Notes {
			item += "\n  - " + note
		}
		details = append(details, item)
	}
	md.table([]string{"site", "call", "program", "in", "rewrite"}, rows)
	md.list(details)
}

// planLevelText says what the rewrite does to a site.
func planLevelText(rw *planRewrite) string {
	if rw == nil {
		return "not reported by the rewriter"
	}
	switch rw.Level {
	case levelUnchanged:
		return "left unchanged"
	case levelInProcess:
		return "in-process"
	case levelTypedChannels:
		return "typed channels"
	}
	return rw.Level
}

// protocol writes the streams of a role and the message types each way.
func (md *planDoc) protocol(r planRole) {
	md.line("#### Protocol")
	if len(r.Streams) == 0 {
		md.line("No pipe between parent and worker was found.")
		return
	}
	var rows [][]string
	for _, st := range r.Streams {
		dir := "worker → parent"
		if st.Direction == toWorker {
			dir = "parent → worker"
		}
		var parent []string
		for _, end := range st.Parent {
			parent = append(parent, mdEnd(end))
		}
		worker := ""
		if st.Worker != nil {
			end := *st.Worker
			if end.Param == "" {
				// The worker uses the process's own stream: name it.
				end.Param = "os." + strings.ToUpper(st.Stream[:1]) + st.Stream[1:]
			}
			worker = mdEnd(end)
		}
		rows = append(rows, []string{st.Stream, dir, strings.Join(parent, "; "), worker, mdTypes(st.Types)})
	}
	md.table([]string{"stream", "direction", "parent side", "worker side", "messages"}, rows)
	md.line("Messages to the worker: %s. Messages to the parent: %s.",
		noneFound(mdTypes(r.ToWorker)), noneFound(mdTypes(r.ToParent)))
}

// mdEnd describes one end of a stream: "`json.Encoder` at `f.go:1:2`",
// "raw bytes on `w` at `f.go:1:2`", "`json.Decoder` on `os.Stdin` at
// `f.go:1:2`".
func mdEnd(end planEnd) string {
	text := "raw bytes"
	if end.Codec != "" {
		text = mdCode(end.Codec)
	}
	if end.Param != "" {
		text += " on " + mdCode(end.Param)
	}
	return text + " at " + mdCode(end.Pos.String())
}

func mdTypes(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = mdCode(n)
	}
	return strings.Join(quoted, ", ")
}

func noneFound(s string) string {
	if s == "" {
		return "none found"
	}
	return s
}

// mdRoles names roles as a table cell: "agent", "(not constant)".
func mdRoles(roles []string) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = strconv.Quote(r)
		if r == "" {
			names[i] = "(not constant)"
		}
	}
	return strings.Join(names, ", ")
}

func planAddressedText(by string) string {
	switch by {
	case byFix:
		return "suggested fix"
	case byRewrite:
		return "the rewrite"
	}
	return "nothing"
}

// files writes the files the rewrite changes.
func (md *planDoc) files(files []planFile) {
	md.line("## Files the rewrite changes")
	if len(files) == 0 {
		md.line("None.")
		return
	}
	var rows [][]string
	for _, f := range files {
		name, change := mdCode(f.Path), fmt.Sprintf("+%d −%d", f.Added, f.Removed)
		if f.New {
			name, change = name+" (new)", fmt.Sprintf("+%d", f.Added)
		}
		rows = append(rows, []string{name, change})
	}
	md.table([]string{"file", "lines"}, rows)
	md.line("`migrate rewrite` prints the diff; `migrate rewrite --write` makes the change.")
}

// needsPerson writes what the rewrite leaves to a person.
func (md *planDoc) needsPerson(open planAttention) {
	md.line("## Needs a person")
	if len(open.Sites) == 0 && len(open.Hazards) == 0 {
		md.line("Nothing: the rewrite converts every spawn site, and a fix or the rewrite addresses every hazard.")
		return
	}
	if len(open.Sites) > 0 {
		md.line("### Sites left unchanged")
		var items []string
		for _, s := range open.Sites {
			role := "role " + mdRoles([]string{s.Role})
			items = append(items, fmt.Sprintf("%s (%s, %s): %s", mdCode(s.Pos.String()), mdCode(s.Package), role, s.Reason))
		}
		md.list(items)
	}
	if len(open.Hazards) > 0 {
		md.line("### Hazards nothing addresses")
		var rows [][]string
		for _, h := range open.Hazards {
			rows = append(rows, []string{mdCode(h.Pos.String()), h.Analyzer, h.Message, mdRoles(h.Roles)})
		}
		md.table([]string{"position", "analyzer", "message", "role"}, rows)
	}
}
