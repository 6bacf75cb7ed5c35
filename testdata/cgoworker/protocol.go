package main

import "fmt"

// The orchestrator writes one record per line to a worker's stdin as
// JSON; the worker answers each with one normalized line on its stdout.
// Its stderr is free-form log text.

// record is one log record to normalize.
type record struct {
	ID int `json:"id"`
	// Line holds space-separated key=value fields, in any order and
	// spacing.
	Line string `json:"line"`
	// Unix is the record's time in seconds since the Unix epoch.
	Unix int64 `json:"unix"`
}

// normalized is a worker's answer to one record.
type normalized struct {
	ID int `json:"id"`
	// Date is the record's time as a UTC date, YYYY-MM-DD.
	Date string `json:"date"`
	// Fields are the record's fields, each rendered as key="value", in
	// their original order, separated by single spaces.
	Fields string `json:"fields"`
	// BusyNS is how long the worker took over the record, in nanoseconds,
	// so that the orchestrator can tell its own waiting from the work.
	BusyNS int64 `json:"busy_ns"`
}

// levels and users are the values generate picks from.
var (
	levels = [...]string{"debug", "info", "warn", "error"}
	users  = [...]string{"alice", "bob", "carol"}
)

// generate returns n log records. Record i depends only on i.
func generate(n int) []record {
	out := make([]record, n)
	for i := range out {
		out[i] = record{
			ID:   i,
			Line: fmt.Sprintf("level=%s  user=%s bytes=%d\tpath=/v1/items/%d", levels[i%len(levels)], users[i%len(users)], i*37%1000, i),
			Unix: 1700000000 + int64(i)*86400/3,
		}
	}
	return out
}
