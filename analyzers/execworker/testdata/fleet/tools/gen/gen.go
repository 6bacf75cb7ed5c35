//go:build ignore

// gen writes the fleet's tables; go generate runs it with go run.
package main

func main() {}
