// Command parallelsubtest has a test whose parallel subtests add to one
// package variable.
package main

var total int

func main() {}
