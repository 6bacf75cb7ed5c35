package errgroup

import (
	"context"

	"golang.org/x/sync/errgroup"
)

func total(ctx context.Context, words []string) (int, error) {
	g, ctx := errgroup.WithContext(ctx)
	sum := 0
	for _, w := range words {
		g.Go(func() error {
			sum += len(w) // related `sum is written here by another run of that goroutine` // want `sum is written by the goroutine g.Go starts at errgroup.go:13 and by another run of that goroutine`
			return ctx.Err()
		})
	}
	err := g.Wait()
	return sum, err // after Wait: ordered
}

func first(words []string) string {
	var g errgroup.Group
	found := ""
	g.TryGo(func() error {
		found = words[0] // one goroutine, read after Wait: ordered
		return nil
	})
	_ = g.Wait()
	return found
}
