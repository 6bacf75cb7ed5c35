// Package pipeipc defines an Analyzer that reports the standard-stream
// pipes between a program and the workers it spawns from its own binary.
//
// # Analyzer pipeipc
//
// pipeipc: report what the pipes to self-spawned workers carry
//
// A worker started by re-executing the running binary (see execworker)
// talks to its parent over its standard streams. To turn the worker into a
// goroutine, each stream must become an in-memory pipe or a channel, so it
// matters what crosses it: values of known types through one encoder or
// decoder, or raw bytes.
//
// On the parent side the analyzer reports each StdinPipe, StdoutPipe and
// StderrPipe call on the command of a worker, with the message types of the
// one json or gob codec built on the pipe:
//
//	in, _ := cmd.StdinPipe() // reported
//	enc := json.NewEncoder(in)
//	enc.Encode(t)
//
// is reported as
//
//	stdin pipe of worker "agent" carries task values encoded with json.Encoder
//
// On the worker side it reports each of os.Stdin, os.Stdout and os.Stderr
// passed to the function that serves the role, with the codec that function
// builds on the parameter receiving it:
//
//	serveAgent(os.Stdin, os.Stdout) // os.Stdin and os.Stdout reported
//
//	func serveAgent(r io.Reader, w io.Writer) error {
//		dec := json.NewDecoder(r)
//		...
//
// reports os.Stdin as
//
//	worker "agent" reads task values from stdin with json.Decoder in serveAgent
//
// A stream is reported as raw bytes when no codec, or more than one, is
// built on it in the function that holds it. Only dispatches a spawn of the
// same package starts are reported, so a command-line subcommand that reads
// os.Stdin is not.
//
// The analyzer offers no fix: the procmigrate rewriter does the conversion.
package pipeipc
