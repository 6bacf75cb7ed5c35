//go:build !race

package genmod

const raceEnabled = false
