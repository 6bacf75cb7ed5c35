package rewrite

import (
	"testing"

	"github.com/procmigrate/procmigrate/analyzers/workers"
)

// TestHandedAgrees checks that what the procglobal analyzer tells users
// the rewrite does (workers.Handed) is what it does: every process-global
// object the rewrite hands over has a Handed phrase, and every phrase
// stands for a replacement. The environment is handed over only when it
// is per worker, which the analyzer words on its own.
func TestHandedAgrees(t *testing.T) {
	conditional := map[string]bool{"os.Getenv": true, "os.LookupEnv": true, "os.Environ": true}
	// os.NewFile opens a descriptor the worker's command was handed in
	// ExtraFiles; the analyzer does not list it as process-global.
	notGlobal := map[string]bool{"log.Flags": true, "log.Prefix": true, "os.NewFile": true}
	for path, names := range procTargets {
		for name := range names {
			key := path + "." + name
			if conditional[key] || notGlobal[key] {
				continue
			}
			if workers.Handed(path, name) == "" {
				t.Errorf("the rewrite hands over %s, but workers.Handed does not say so", key)
			}
		}
	}
	workers.EachProcessGlobal(func(path, name string) {
		if workers.Handed(path, name) != "" && procTargets[path][name] == "" {
			t.Errorf("workers.Handed says the rewrite hands over %s.%s, but it has no replacement", path, name)
		}
	})
}
