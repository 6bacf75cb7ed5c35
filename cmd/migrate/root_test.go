package main

import (
	"runtime/debug"
	"testing"
)

func TestBuildVersion(t *testing.T) {
	rev := debug.BuildSetting{Key: "vcs.revision", Value: "3c160ea1b2c4d5e6f708192a3b4c5d6e7f801234"}
	clean := debug.BuildSetting{Key: "vcs.modified", Value: "false"}
	dirty := debug.BuildSetting{Key: "vcs.modified", Value: "true"}
	for _, tt := range []struct {
		version  string
		settings []debug.BuildSetting
		want     string
	}{
		{"v1.2.0", nil, "v1.2.0"},
		{"v1.2.0", []debug.BuildSetting{rev, dirty}, "v1.2.0"}, // the go command put the commit in the version already
		{"v0.0.0-20261204183855-3c160ea1b2c4+dirty", []debug.BuildSetting{rev, dirty}, "v0.0.0-20261204183855-3c160ea1b2c4+dirty"},
		{"(devel)", nil, "(devel)"},
		{"", nil, "(devel)"},
		{"(devel)", []debug.BuildSetting{{Key: "vcs", Value: "git"}, rev, clean}, "(devel) 3c160ea1b2c4"},
		{"(devel)", []debug.BuildSetting{rev, dirty}, "(devel) 3c160ea1b2c4+dirty"},
		{"(devel)", []debug.BuildSetting{dirty}, "(devel)"},                                 // no commit to name
		{"(devel)", []debug.BuildSetting{{Key: "vcs.revision", Value: "42"}}, "(devel) 42"}, // a short revision is kept whole
	} {
		info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/procmigrate/procmigrate", Version: tt.version}, Settings: tt.settings}
		if got := buildVersion(info); got != tt.want {
			t.Errorf("buildVersion(%q, %v) = %q, want %q", tt.version, tt.settings, got, tt.want)
		}
	}
}
