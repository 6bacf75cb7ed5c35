// Command parallelsubtest has a test whose parallel subtests add to one
// package counter of a sync/atomic type.
package main

import "sync/atomic"

var total atomic.Int64

func main() {}
