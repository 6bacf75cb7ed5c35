package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// serveWorker is the body of a worker process. It reads records as JSON
// lines from in, answers each with one normalized line on out, and returns
// nil when in reaches end of file. Its statistics go to logw.
func serveWorker(in io.Reader, out, logw io.Writer) error {
	dec := json.NewDecoder(in)
	enc := json.NewEncoder(out)
	handled, fields := 0, 0
	for {
		var r record
		// End of file is the orchestrator's signal that the work is done;
		// anything else, a truncated line included, is an error.
		if err := dec.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			return fmt.Errorf("read record: %w", err)
		}
		start := time.Now()
		n, count, err := normalize(r)
		if err != nil {
			return fmt.Errorf("record %d: %w", r.ID, err)
		}
		n.BusyNS = time.Since(start).Nanoseconds()
		if err := enc.Encode(n); err != nil {
			return fmt.Errorf("write record %d: %w", r.ID, err)
		}
		handled++
		fields += count
	}
	if _, err := fmt.Fprintf(logw, "normalized %d records, %d fields\n", handled, fields); err != nil {
		return fmt.Errorf("write statistics: %w", err)
	}
	return nil
}

// normalize renders the fields of r as key="value", in order, and its time
// as a UTC date; it also returns how many fields there were.
func normalize(r record) (normalized, int, error) {
	var fields []string
	for _, tok := range tokens(r.Line) {
		key, value, ok := strings.Cut(tok, "=")
		if !ok || key == "" {
			return normalized{}, 0, fmt.Errorf("field %q is not key=value", tok)
		}
		fields = append(fields, renderField(key, value))
	}
	return normalized{ID: r.ID, Date: utcDate(r.Unix), Fields: strings.Join(fields, " ")}, len(fields), nil
}
