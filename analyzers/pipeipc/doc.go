// Package pipeipc defines an Analyzer that reports the channels between a
// program and the workers it starts from its own binary, what crosses
// them, and the pipe bugs on them.
//
// # Analyzer pipeipc
//
// pipeipc: report what the pipes to self-spawned workers carry
//
// A worker started by re-executing the running binary (see execworker)
// talks to its parent over its standard streams. To turn the worker into a
// goroutine, each stream must become an in-memory pipe or a channel, so it
// matters what crosses it: values of known types through a codec, lines,
// frames, or raw bytes.
//
// On the parent side the analyzer reports each stream of a worker: a
// StdinPipe, StdoutPipe or StderrPipe call; cmd.Stdin, Stdout or Stderr
// set to an os.Pipe end, a bytes.Buffer or a reader; an os.Pipe end in
// ExtraFiles, which the child sees as fd 3 and up; and the output that
// Output or CombinedOutput returns. The stream is followed through
// variables, struct fields, bufio wrappers and the package's functions it
// is passed to, and the message names the protocol and the message types
// when they are known:
//
//	in, _ := cmd.StdinPipe() // reported
//	enc := json.NewEncoder(in)
//	enc.Encode(t)
//
// is reported as
//
//	stdin pipe of worker "agent" carries task values encoded with json.Encoder
//
// The protocols named are json and gob encoders and decoders, json.Marshal
// and json.Unmarshal (per line or whole), bufio.Scanner with its split
// function (lines, NUL-delimited records, length-prefixed frames),
// bufio.Reader.ReadString, fmt.Fscan and fmt.Fprintln lines,
// length-prefixed frames with encoding/binary, net/rpc and jsonrpc over a
// connection joined from the two pipes, and a handshake line compared with
// a constant before another protocol.
//
// On the worker side it reports each of os.Stdin, os.Stdout and os.Stderr
// passed to the function that serves the role, and each os.Stdin,
// os.Stdout or os.NewFile(3, ...) used in place by the role's branch or
// serving function, in the same words:
//
//	worker "agent" reads task values from stdin with json.Decoder in serveAgent
//
// It also reports five pipe bugs, on workers whether or not they can be
// migrated, each with its own category: Wait or Run called before the
// reads from an output pipe are done (earlywait); an output pipe nobody
// reads (undrained); a kill with no Wait (zombie); a whole request written
// to stdin in a loop and closed before anything reads stdout (stdinfirst);
// and a bufio.Scanner with the default 64 KiB line limit reading JSON
// values of unbounded size (linelimit).
//
// Only workers execworker finds are examined: the streams of other
// programs and of the test helper-process idiom are not reported, and
// neither is a command-line subcommand that reads os.Stdin.
//
// The analyzer offers no fix: the procmigrate rewriter does the conversion,
// and each pipe bug has more than one right repair.
package pipeipc
