// Package helperproc has a test that uses the helper-process idiom with
// pipes: nothing is reported.
package helperproc
