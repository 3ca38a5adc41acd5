// Package promtext writes Prometheus' text exposition format, version 0.0.4:
// the few lines of it Net-Pulse serves on /metrics. Writing them by hand
// instead of through client_golang keeps the daemon within its memory and
// CPU budgets while scraped (PERFORMANCE.md, "/metrics scraped every 15 s").
package promtext

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// ContentType is the exposition's media type.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Buffer collects one exposition. Families must be written whole, one after
// the other: Family, then its samples.
type Buffer struct {
	b []byte
}

// Bytes is the exposition written so far.
func (b *Buffer) Bytes() []byte { return b.b }

// Family starts a metric family: its HELP and TYPE lines. typ is
// "counter", "gauge" or "histogram".
func (b *Buffer) Family(name, help, typ string) {
	b.b = append(b.b, "# HELP "...)
	b.b = append(b.b, name...)
	b.b = append(b.b, ' ')
	b.b = appendEscaped(b.b, help, false)
	b.b = append(b.b, "\n# TYPE "...)
	b.b = append(b.b, name...)
	b.b = append(b.b, ' ')
	b.b = append(b.b, typ...)
	b.b = append(b.b, '\n')
}

// Sample writes one sample line; labels are name, value pairs.
func (b *Buffer) Sample(name string, v float64, labels ...string) {
	b.series(name, labels)
	b.b = appendFloat(b.b, v)
	b.b = append(b.b, '\n')
}

// Uint writes a sample of an integer value, in integer form: the byte
// counters are large, and formatting them as floats cost more than the
// rest of their lines. Prometheus reads them as float64, as it does any
// value.
func (b *Buffer) Uint(name string, v uint64, labels ...string) {
	b.series(name, labels)
	b.b = strconv.AppendUint(b.b, v, 10)
	b.b = append(b.b, '\n')
}

// Grow makes room for n more bytes, so that an exposition about the size
// of the last one is written without growing the buffer on the way.
func (b *Buffer) Grow(n int) { b.b = slices.Grow(b.b, n) }

// series writes a sample's name and labels, and the space before its value.
func (b *Buffer) series(name string, labels []string) {
	b.b = append(b.b, name...)
	if len(labels) > 0 {
		b.b = append(b.b, '{')
		for i := 0; i+1 < len(labels); i += 2 {
			if i > 0 {
				b.b = append(b.b, ',')
			}
			b.b = append(b.b, labels[i]...)
			b.b = append(b.b, `="`...)
			b.b = appendEscaped(b.b, labels[i+1], true)
			b.b = append(b.b, '"')
		}
		b.b = append(b.b, '}')
	}
	b.b = append(b.b, ' ')
}

// appendEscaped escapes backslash and newline, and in label values also the
// double quote, as the format requires. The format is UTF-8, and one bad
// byte fails the whole scrape: an interface name is whatever bytes its
// creator chose (inside a container, anyone with its NET_ADMIN), so bytes
// that are not UTF-8 become U+FFFD, as they do in the JSON API.
func appendEscaped(dst []byte, s string, quote bool) []byte {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if !strings.ContainsAny(s, "\\\n\"") {
		return append(dst, s...)
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			dst = append(dst, `\\`...)
		case c == '\n':
			dst = append(dst, `\n`...)
		case c == '"' && quote:
			dst = append(dst, `\"`...)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

func appendFloat(dst []byte, v float64) []byte {
	switch {
	case math.IsInf(v, 1):
		return append(dst, "+Inf"...)
	case math.IsInf(v, -1):
		return append(dst, "-Inf"...)
	case math.IsNaN(v):
		return append(dst, "NaN"...)
	}
	return strconv.AppendFloat(dst, v, 'g', -1, 64)
}

// Histogram counts observations into fixed buckets. It is safe for one
// writer and concurrent scrapes.
type Histogram struct {
	name, help string
	bounds     []float64 // upper bounds, ascending; +Inf is implied
	le         []string  // the bounds as labels, "+Inf" last

	mu     sync.Mutex
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	n      uint64
}

// NewHistogram makes a histogram with the given upper bounds.
func NewHistogram(name, help string, bounds []float64) *Histogram {
	le := make([]string, 0, len(bounds)+1)
	for _, v := range bounds {
		le = append(le, string(appendFloat(nil, v)))
	}
	return &Histogram{name: name, help: help, bounds: bounds, le: append(le, "+Inf"), counts: make([]uint64, len(bounds)+1)}
}

// Observe adds one observation.
func (h *Histogram) Observe(v float64) {
	i := 0
	for i < len(h.bounds) && v > h.bounds[i] {
		i++
	}
	h.mu.Lock()
	h.counts[i]++
	h.sum += v
	h.n++
	h.mu.Unlock()
}

// Write writes the histogram as a whole family.
func (h *Histogram) Write(b *Buffer) {
	var kept [32]uint64
	h.mu.Lock()
	counts := append(kept[:0], h.counts...)
	sum, n := h.sum, h.n
	h.mu.Unlock()
	b.Family(h.name, h.help, "histogram")
	bucket := h.name + "_bucket"
	var cum uint64
	for i := range h.bounds {
		cum += counts[i]
		b.Uint(bucket, cum, "le", h.le[i])
	}
	b.Uint(bucket, n, "le", h.le[len(h.bounds)])
	b.Sample(h.name+"_sum", sum)
	b.Uint(h.name+"_count", n)
}
