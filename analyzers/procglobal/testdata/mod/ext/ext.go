// Package ext is another module's package that ends the process.
package ext

import "os"

// Die ends the process, through a helper.
func Die() { exit(2) } // want Die:`reaches exit: os\.Exit at example\.com/ext/ext\.go:9 via ext\.exit`

func exit(code int) { os.Exit(code) }
