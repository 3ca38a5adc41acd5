// Package collector reads per-interface traffic counters from the operating
// system, turns successive readings into exact deltas (surviving counter
// resets, 32-bit wraps and interface churn), discovers interfaces and the
// default-route interface, and runs the poll schedule.
package collector

import (
	"bytes"
	"fmt"
	"math"

	"github.com/netpulse/netpulse/internal/traffic"
)

// Counters is one interface's cumulative kernel counters at one instant.
type Counters struct {
	Name string
	// Index is the interface index (ifindex); 0 when the OS does not tell.
	// A new index under the same name means a new incarnation of the
	// interface, whose counters started from zero.
	Index int
	traffic.Counts
}

// ParseNetDev parses the text of Linux /proc/net/dev. keep, when not nil,
// selects the interfaces to return; the others are skipped before their
// numbers are parsed, which keeps a poll cheap on hosts with many
// interfaces. Malformed lines are an error: a half-parsed reading would be
// taken for a counter reset.
func ParseNetDev(data []byte, keep func(name string) bool) ([]Counters, error) {
	cs, err := appendNetDev(nil, data, func(b []byte) (string, bool) {
		name := string(b)
		return name, keep == nil || keep(name)
	})
	if err != nil {
		return nil, err
	}
	return cs, nil
}

// appendNetDev parses /proc/net/dev into dst. name turns a line's interface
// name into a string and says whether to keep the line; the poll reuses
// its strings from one second to the next. On error the lines parsed so far
// are in the result, which the caller must not use as a reading.
func appendNetDev(dst []Counters, data []byte, name func([]byte) (string, bool)) ([]Counters, error) {
	for lineNo := 0; len(data) > 0; lineNo++ {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		if lineNo < 2 || len(bytes.TrimSpace(line)) == 0 {
			continue // two header lines
		}
		// The name ends at the last colon: names may contain colons
		// (aliases such as "eth0:1"), the numbers never do.
		colon := bytes.LastIndexByte(line, ':')
		if colon < 0 {
			return dst, fmt.Errorf("net/dev line %d: no ':' after the interface name", lineNo+1)
		}
		nameBytes := bytes.TrimSpace(line[:colon])
		if len(nameBytes) == 0 {
			return dst, fmt.Errorf("net/dev line %d: empty interface name", lineNo+1)
		}
		n, keep := name(nameBytes)
		if !keep {
			continue
		}
		c, err := parseNetDevFields(line[colon+1:])
		if err != nil {
			return dst, fmt.Errorf("net/dev line %d (%s): %w", lineNo+1, n, err)
		}
		c.Name = n
		dst = append(dst, c)
	}
	return dst, nil
}

// parseNetDevFields parses the 16 numbers after the name: 8 receive columns
// (bytes packets errs drop fifo frame compressed multicast), then 8 transmit
// columns (bytes packets errs drop fifo colls carrier compressed).
func parseNetDevFields(b []byte) (Counters, error) {
	var f [16]uint64
	n := 0
	for i := 0; i < len(b); {
		if b[i] == ' ' || b[i] == '\t' {
			i++
			continue
		}
		end := i
		for end < len(b) && b[end] != ' ' && b[end] != '\t' {
			end++
		}
		if n == len(f) {
			return Counters{}, fmt.Errorf("more than %d fields", len(f))
		}
		v, ok := parseUint(b[i:end])
		if !ok {
			return Counters{}, fmt.Errorf("field %d: %q is not a counter", n+1, b[i:end])
		}
		f[n] = v
		n++
		i = end
	}
	if n != len(f) {
		return Counters{}, fmt.Errorf("%d fields, want %d", n, len(f))
	}
	return Counters{
		RxBytes: f[0], RxPackets: f[1], RxErrors: f[2], RxDrops: f[3],
		TxBytes: f[8], TxPackets: f[9], TxErrors: f[10], TxDrops: f[11],
	}, nil
}

// parseUint parses a decimal uint64 without allocating; polls run every
// second, so this is on the hot path.
func parseUint(b []byte) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}
