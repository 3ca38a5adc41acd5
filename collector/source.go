package collector

import "context"

// Source reads the cumulative counters of the interfaces that keep selects.
// A reading is valid until the next Read, which may reuse its memory.
type Source interface {
	Read(ctx context.Context, keep func(name string) bool) ([]Counters, error)
}
