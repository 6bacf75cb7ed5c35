// Package lib counts hits in a package variable of a sync/atomic type.
package lib

import "sync/atomic"

var hits atomic.Int64

// Hit counts one hit.
func Hit() {
	hits.Add(1)
}

// Hits returns the hits counted.
func Hits() int {
	return int(hits.Load())
}
