//go:build race

package main

// raceEnabled tells the tests that the race detector would only slow them
// down: what kitprof calls is tested under it in its own packages.
const raceEnabled = true
