package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// RawRow is one row of the raw tier unpacked: the one-second buckets of
// one interface's minute. A flush writes a row per interface and minute
// instead of one per second, which cut a flush's CPU time by two thirds
// (PERFORMANCE.md).
type RawRow struct {
	Present uint64 // bit i set: second i of the minute holds traffic
	Seconds [60]RawSecond
}

// RawSecond is the traffic of one second (or of any bucket, while a flush
// sums it): byte and packet sums and the highest per-poll rate seen in it.
type RawSecond struct {
	Rx, Tx, RxPkts, TxPkts, RxPeak, TxPeak uint64
}

// packedFormat is the first byte of a packed row.
const packedFormat = 1

// Pack appends the row's packed form to dst: the format byte, the present
// bitmap (8 bytes, little-endian), then for each present second, in order,
// six uvarints: rx, tx, rx and tx packets, and each peak as the zigzag
// difference from its bytes. At 1 s polling a second's peak is its bytes
// over the poll's length, so that difference takes a byte or two.
func (r *RawRow) Pack(dst []byte) []byte {
	dst = append(dst, packedFormat)
	dst = binary.LittleEndian.AppendUint64(dst, r.Present)
	for p := r.Present; p != 0; p &= p - 1 {
		v := &r.Seconds[bits.TrailingZeros64(p)]
		dst = binary.AppendUvarint(dst, v.Rx)
		dst = binary.AppendUvarint(dst, v.Tx)
		dst = binary.AppendUvarint(dst, v.RxPkts)
		dst = binary.AppendUvarint(dst, v.TxPkts)
		dst = binary.AppendUvarint(dst, zigzag(v.RxPeak-v.Rx))
		dst = binary.AppendUvarint(dst, zigzag(v.TxPeak-v.Tx))
	}
	return dst
}

// Unpack replaces the row with the packed row b; on error, with an empty
// row.
func (r *RawRow) Unpack(b []byte) error {
	*r = RawRow{}
	if err := r.unpack(b); err != nil {
		*r = RawRow{}
		return err
	}
	return nil
}

func (r *RawRow) unpack(b []byte) error {
	if len(b) < 9 || b[0] != packedFormat {
		return errBadRawRow
	}
	present := binary.LittleEndian.Uint64(b[1:9])
	if present>>60 != 0 {
		return errBadRawRow
	}
	b = b[9:]
	var vs [6]uint64
	for p := present; p != 0; p &= p - 1 {
		for i := range vs {
			v, n := binary.Uvarint(b)
			if n <= 0 {
				return errBadRawRow
			}
			vs[i], b = v, b[n:]
		}
		r.Seconds[bits.TrailingZeros64(p)] = RawSecond{vs[0], vs[1], vs[2], vs[3], vs[0] + unzigzag(vs[4]), vs[1] + unzigzag(vs[5])}
	}
	if len(b) != 0 {
		return errBadRawRow
	}
	r.Present = present
	return nil
}

var errBadRawRow = errors.New("damaged packed row")

// add adds a record into second i.
func (r *RawRow) add(i int64, rec Record) {
	r.Present |= 1 << i
	r.Seconds[i].merge(sumOf(rec))
}

// merge adds o's seconds into r.
func (r *RawRow) merge(o *RawRow) {
	for p := o.Present; p != 0; p &= p - 1 {
		i := bits.TrailingZeros64(p)
		r.Seconds[i].merge(o.Seconds[i])
	}
	r.Present |= o.Present
}

// merge adds w's traffic into v: sums, and the higher peaks.
func (v *RawSecond) merge(w RawSecond) {
	v.Rx += w.Rx
	v.Tx += w.Tx
	v.RxPkts += w.RxPkts
	v.TxPkts += w.TxPkts
	v.RxPeak = max(v.RxPeak, w.RxPeak)
	v.TxPeak = max(v.TxPeak, w.TxPeak)
}

// sumOf is a record's traffic.
func sumOf(r Record) RawSecond {
	return RawSecond{r.RxBytes, r.TxBytes, r.RxPackets, r.TxPackets, r.RxPeak, r.TxPeak}
}

// zigzag maps a difference taken in wrapping uint64 arithmetic to a small
// number when it is small either way.
func zigzag(d uint64) uint64 { return d<<1 ^ uint64(int64(d)>>63) }

func unzigzag(z uint64) uint64 { return z>>1 ^ -(z & 1) }

// describeRawRow names a damaged row for an error message.
func describeRawRow(iface string, t int64, err error) error {
	return fmt.Errorf("the per-second row of %s at unix time %d: %w", iface, t, err)
}
