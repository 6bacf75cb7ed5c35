package main

// The orchestrator and its agents speak newline-delimited JSON over the
// agent's stdin and stdout: the orchestrator writes one task, the agent
// answers with exactly one result, and so on until the orchestrator closes
// the agent's stdin. The agent's stderr is free-form log text.
//
// The message types are plain data on purpose: every field is exported and of
// a scalar kind, so a message means the same thing on both ends of the pipe.

// task is one unit of work sent to an agent as one JSON line.
type task struct {
	// ID identifies the task within one run; the reply carries it back.
	ID int `json:"id"`
	// Kind names the category of work, used to group the summary.
	Kind string `json:"kind"`
	// Payload is the input the agent hashes.
	Payload string `json:"payload"`
	// Work is the number of CPU hashing rounds to perform over Payload.
	Work int `json:"work"`
	// WaitNS is a simulated wait (as for I/O), in nanoseconds.
	WaitNS int64 `json:"wait_ns"`
}

// result is an agent's reply to one task.
type result struct {
	// ID is the ID of the task this result answers.
	ID int `json:"id"`
	// Agent is the id of the agent that produced the result.
	Agent int `json:"agent"`
	// Kind echoes the task's kind.
	Kind string `json:"kind"`
	// Sum is checksum(Payload, Work) of the task.
	Sum uint64 `json:"sum"`
	// BusyNS is how long the agent spent on the task, in nanoseconds, as
	// measured by the agent itself.
	BusyNS int64 `json:"busy_ns"`
}
