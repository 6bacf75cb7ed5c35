// Package helperproc runs git; its test fakes git with the helper-process
// idiom, which is not a worker.
package helperproc

import "os/exec"

// Status runs git status.
func Status() error { return exec.Command("git", "status").Run() }
