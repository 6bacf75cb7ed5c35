// Package agent is the worker that runs jobs for fleetd.
package agent

import (
	"encoding/json"
	"io"
)

// Job is one unit of work.
type Job struct{ ID int }

// Serve runs the jobs read from r, writing each back to w when done.
func Serve(r io.Reader, w io.Writer) error {
	dec, enc := json.NewDecoder(r), json.NewEncoder(w)
	for {
		var j Job
		if err := dec.Decode(&j); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if err := enc.Encode(j); err != nil {
			return err
		}
	}
}
