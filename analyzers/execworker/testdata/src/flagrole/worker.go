package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
)

func serveJobs(r io.Reader, w io.Writer) error {
	dec, enc := json.NewDecoder(r), json.NewEncoder(w)
	for {
		var job map[string]int
		if err := dec.Decode(&job); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if err := enc.Encode(job); err != nil {
			return err
		}
	}
}

func runAgent(r io.Reader, w io.Writer) int {
	if _, err := io.Copy(w, r); err != nil {
		return 1
	}
	return 0
}

func judge(r io.Reader, w io.Writer) error {
	_, err := io.WriteString(w, "fair\n")
	return err
}

func reap() {
	stale, _ := filepath.Glob(filepath.Join(os.TempDir(), "flagrole-*.job"))
	for _, f := range stale {
		os.Remove(f)
	}
}
