// Package unix stands in for golang.org/x/sys/unix, which analysistest
// cannot download: the few system calls the fixtures make, which do
// nothing here.
package unix

// Setuid sets the user ID of the calling process.
func Setuid(uid int) error { return nil }

// Setgid sets the group ID of the calling process.
func Setgid(gid int) error { return nil }

// Setgroups sets the supplementary group IDs of the calling process.
func Setgroups(gids []int) error { return nil }

// Unshare moves the calling thread into new namespaces.
func Unshare(flags int) error { return nil }

// CLONE_NEWNS asks Unshare for a new mount namespace.
const CLONE_NEWNS = 0x20000

// Setns moves the calling thread into the namespace fd refers to.
func Setns(fd int, nstype int) error { return nil }

// CLONE_NEWNET asks Unshare for a new network namespace.
const CLONE_NEWNET = 0x40000000
