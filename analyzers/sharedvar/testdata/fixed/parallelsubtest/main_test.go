package main

import (
	"fmt"
	"testing"
	"time"
)

func TestTotal(t *testing.T) {
	// The group returns once its parallel subtests are done.
	t.Run("group", func(t *testing.T) {
		for _, n := range []int{1, 2, 3, 4} {
			t.Run(fmt.Sprint(n), func(t *testing.T) {
				t.Parallel()
				for range 20 {
					total.Add(int64(n))
					time.Sleep(time.Millisecond)
				}
			})
		}
	})
	if got := total.Load(); got != 200 {
		t.Errorf("total = %d, want 200", got)
	}
}
