//go:build !race

package sharedvar_test

// raceEnabled is whether this test binary runs with the race detector.
const raceEnabled = false
