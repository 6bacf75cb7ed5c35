//go:build race

package genmod

// raceEnabled tells the tests that run only go commands in other
// processes that they would add nothing under the race detector.
const raceEnabled = true
