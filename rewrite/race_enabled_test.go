//go:build race

package rewrite

// raceEnabled is set when the tests run under the race detector, which
// makes the standard library tests take a sample (see stdPatterns).
const raceEnabled = true
