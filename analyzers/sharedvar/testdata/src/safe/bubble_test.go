package safe

import (
	"testing"
	"testing/synctest"
)

// synctest.Wait in a parallel subtest orders the bubble's goroutine
// before the read: its join names no variable, and translating the
// subtest's code into the terms of its caller keeps it as it is.
func TestBubble(t *testing.T) {
	t.Run("sub", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			n := 0
			go func() { n++ }()
			synctest.Wait()
			_ = n
		})
	})
}
