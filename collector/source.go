package collector

import (
	"context"
	"io"
)

// Source reads the cumulative counters of the interfaces that keep selects.
// A reading is valid until the next Read, which may reuse its memory.
type Source interface {
	Read(ctx context.Context, keep func(name string) bool) ([]Counters, error)
}

// closeSource closes src if it keeps something open (files, sockets).
func closeSource(src Source) error {
	if c, ok := src.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
