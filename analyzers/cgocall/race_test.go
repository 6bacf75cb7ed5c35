//go:build race

package cgocall_test

const raceEnabled = true
