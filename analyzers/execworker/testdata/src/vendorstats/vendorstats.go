// Package vendorstats is a package of another module, as far as fleetd is
// concerned: its first path element differs.
package vendorstats

import (
	"fmt"
	"io"
)

// Report writes the statistics.
func Report(w io.Writer) { fmt.Fprintln(w, "jobs: 0") }
