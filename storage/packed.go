package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// RawRow is one row of the raw tier unpacked: the one-second buckets of
// one interface's minute. A flush writes a row per interface and minute
// instead of one per second (PERFORMANCE.md, "A ring for the raw tier").
type RawRow struct {
	Present uint64 // bit i set: second i of the minute holds traffic
	Seconds [60]RawSecond
}

// RawSecond is the traffic of one second (or of any bucket, while a flush
// sums it): byte and packet sums, the highest per-poll rate seen in it, and
// the kernel's error and drop counts.
type RawSecond struct {
	Rx, Tx, RxPkts, TxPkts, RxPeak, TxPeak uint64
	Faults
}

// Faults are the packets the kernel counted as errors or dropped.
type Faults struct {
	RxErrs, TxErrs, RxDrops, TxDrops uint64
}

// Formats of a packed row, its first byte. A row whose seconds have no
// errors or drops, nearly every row, is written in format 1, so counting
// them costs no space.
const (
	packedFormat       = 1
	packedFormatFaults = 2 // format 1 plus the seconds' errors and drops
)

// Pack appends the row's packed form to dst: the format byte, the present
// bitmap (8 bytes, little-endian), then for each present second, in order,
// six uvarints: rx, tx, rx and tx packets, and each peak as the zigzag
// difference from its bytes. At 1 s polling a second's peak is its bytes
// over the poll's length, so that difference takes a byte or two.
//
// Format 2 follows the present bitmap with a second bitmap, of the seconds
// with errors or drops, and ends each such second's values with four more
// uvarints: rx and tx errors, rx and tx drops.
func (r *RawRow) Pack(dst []byte) []byte {
	var faulty uint64
	for p := r.Present; p != 0; p &= p - 1 {
		if i := bits.TrailingZeros64(p); r.Seconds[i].Faults != (Faults{}) {
			faulty |= 1 << i
		}
	}
	if faulty == 0 {
		dst = append(dst, packedFormat)
	} else {
		dst = append(dst, packedFormatFaults)
	}
	dst = binary.LittleEndian.AppendUint64(dst, r.Present)
	if faulty != 0 {
		dst = binary.LittleEndian.AppendUint64(dst, faulty)
	}
	for p := r.Present; p != 0; p &= p - 1 {
		i := bits.TrailingZeros64(p)
		v := &r.Seconds[i]
		dst = binary.AppendUvarint(dst, v.Rx)
		dst = binary.AppendUvarint(dst, v.Tx)
		dst = binary.AppendUvarint(dst, v.RxPkts)
		dst = binary.AppendUvarint(dst, v.TxPkts)
		dst = binary.AppendUvarint(dst, zigzag(v.RxPeak-v.Rx))
		dst = binary.AppendUvarint(dst, zigzag(v.TxPeak-v.Tx))
		if faulty&(1<<i) != 0 {
			dst = binary.AppendUvarint(dst, v.RxErrs)
			dst = binary.AppendUvarint(dst, v.TxErrs)
			dst = binary.AppendUvarint(dst, v.RxDrops)
			dst = binary.AppendUvarint(dst, v.TxDrops)
		}
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
	if len(b) < 9 || (b[0] != packedFormat && b[0] != packedFormatFaults) {
		return errBadRawRow
	}
	present := binary.LittleEndian.Uint64(b[1:9])
	var faulty uint64
	if b[0] == packedFormatFaults {
		if len(b) < 17 {
			return errBadRawRow
		}
		faulty = binary.LittleEndian.Uint64(b[9:17])
		// A format 2 row has faults, all in present seconds: one row has
		// one encoding.
		if faulty == 0 || faulty&^present != 0 {
			return errBadRawRow
		}
		b = b[17:]
	} else {
		b = b[9:]
	}
	if present>>60 != 0 {
		return errBadRawRow
	}
	var vs [10]uint64
	for p := present; p != 0; p &= p - 1 {
		i := bits.TrailingZeros64(p)
		n := 6
		if faulty&(1<<i) != 0 {
			n = 10
		}
		clear(vs[6:])
		for j := range n {
			v, k := binary.Uvarint(b)
			if k <= 0 {
				return errBadRawRow
			}
			vs[j], b = v, b[k:]
		}
		f := Faults{vs[6], vs[7], vs[8], vs[9]}
		if n == 10 && f == (Faults{}) {
			return errBadRawRow
		}
		r.Seconds[i] = RawSecond{vs[0], vs[1], vs[2], vs[3], vs[0] + unzigzag(vs[4]), vs[1] + unzigzag(vs[5]), f}
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
	v.Faults.add(w.Faults)
}

// add adds o's counts into f.
func (f *Faults) add(o Faults) {
	f.RxErrs += o.RxErrs
	f.TxErrs += o.TxErrs
	f.RxDrops += o.RxDrops
	f.TxDrops += o.TxDrops
}

// sumOf is a record's traffic.
func sumOf(r Record) RawSecond {
	return RawSecond{r.RxBytes, r.TxBytes, r.RxPackets, r.TxPackets, r.RxPeak, r.TxPeak,
		Faults{r.RxErrors, r.TxErrors, r.RxDrops, r.TxDrops}}
}

// zigzag maps a difference taken in wrapping uint64 arithmetic to a small
// number when it is small either way.
func zigzag(d uint64) uint64 { return d<<1 ^ uint64(int64(d)>>63) }

func unzigzag(z uint64) uint64 { return z>>1 ^ -(z & 1) }

// describeRawRow names a damaged row for an error message.
func describeRawRow(iface string, t int64, err error) error {
	return fmt.Errorf("the per-second row of %s at unix time %d: %w", iface, t, err)
}
