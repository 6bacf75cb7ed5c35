// Package helper is a library: a binary named helper is none of ours.
package helper

// Name is the name of the fleet.
const Name = "fleet"
