//go:build !cgo

package main

import "time"

// stamp formats ts, in seconds since the epoch, as a UTC date.
func stamp(ts int64) string {
	return time.Unix(ts, 0).UTC().Format("2006-01-02")
}
