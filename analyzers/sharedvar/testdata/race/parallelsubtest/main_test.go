package main

import (
	"fmt"
	"testing"
	"time"
)

func TestTotal(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			for range 20 {
				total += n // related `total is written here by another run of that subtest` // want `total is written by the parallel subtest at main_test.go:11 and by another run of that subtest; parallel subtests run at the same time, and no lock is held at either`
				time.Sleep(time.Millisecond)
			}
		})
	}
}
