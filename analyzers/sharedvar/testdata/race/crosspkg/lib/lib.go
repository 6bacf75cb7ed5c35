// Package lib counts hits in a package variable.
package lib

var hits int

// Hit counts one hit.
func Hit() { // want Hit:`accesses write example.com/race/crosspkg/lib.hits`
	hits++
}

// Hits returns the hits counted.
func Hits() int { // want Hits:`accesses read example.com/race/crosspkg/lib.hits`
	return hits
}
