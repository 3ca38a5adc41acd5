package collector

import "context"

// Source reads the cumulative counters of the interfaces that keep selects.
type Source interface {
	Read(ctx context.Context, keep func(name string) bool) ([]Counters, error)
}
