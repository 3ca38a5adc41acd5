package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// Counters are an interface's cumulative kernel counters, as checkpointed.
type Counters struct {
	Index                                  int
	RxBytes, TxBytes, RxPackets, TxPackets uint64
	RxErrors, TxErrors, RxDrops, TxDrops   uint64
}

// Record is the traffic of one interface in one poll.
type Record struct {
	Interface string
	Time      time.Time // when the poll read the counters
	RxBytes   uint64
	TxBytes   uint64
	RxPackets uint64
	TxPackets uint64
	RxPeak    uint64 // the poll's rate, bytes per second
	TxPeak    uint64
	// Counters and BootID are the reading the record ends at; the last
	// flushed one per interface becomes its checkpoint.
	Counters Counters
	BootID   string
}

// maxPending bounds the unflushed buffer while the database cannot be
// written (disk full, locked): beyond it, the oldest records are folded into
// per-minute records, which keeps every byte and bounds memory.
const maxPending = 20000

// Add queues records for the next flush. It never touches the disk, so the
// poll job cannot be slowed by it.
func (s *Storage) Add(recs ...Record) {
	s.mu.Lock()
	s.pending = append(s.pending, recs...)
	if len(s.pending) > maxPending {
		s.pending = foldOldest(s.pending, len(s.pending)/2)
	}
	s.mu.Unlock()
}

// Pending returns how many records wait for a flush.
func (s *Storage) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// Flush writes the pending records and their checkpoints in one
// transaction, adding them into every tier. On error nothing is written and
// the records stay pending for the next try.
func (s *Storage) Flush(ctx context.Context) (err error) {
	restored := false
	if !s.fileIntact() {
		if err := s.restore(ctx); err != nil {
			return err
		}
		restored = true
	}
	s.conn.RLock()
	defer s.conn.RUnlock()
	if restored {
		defer func() {
			if err == nil {
				err = ErrRestored
			}
		}()
	}
	s.mu.Lock()
	batch := s.pending[:len(s.pending):len(s.pending)]
	s.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: flush: %w", describe(err))
	}
	defer tx.Rollback()
	ids, err := s.interfaceIDs(ctx, tx, batch)
	if err != nil {
		return err
	}
	for _, t := range tiers {
		if err := s.writeTier(ctx, tx, t, batch, ids); err != nil {
			return err
		}
	}
	if err := s.writeCheckpoints(ctx, tx, batch); err != nil {
		return err
	}
	s.view.Lock()
	defer s.view.Unlock()
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: flush: %w", describe(err))
	}
	s.days.add(batch)
	s.mu.Lock()
	s.pending = dropFlushed(s.pending, len(batch))
	for name, id := range ids {
		s.ifaceID[name] = id
	}
	s.mu.Unlock()
	return nil
}

// dropFlushed removes the first n records. The buffer is kept for the next
// flush's records unless an outage grew it large: a poll then appends into
// memory already in use, instead of a growing buffer taking fresh pages
// from the kernel every few minutes.
func dropFlushed(pending []Record, n int) []Record {
	if cap(pending) > maxPending/2 {
		return append([]Record(nil), pending[n:]...)
	}
	kept := copy(pending, pending[n:])
	clear(pending[kept:]) // let go of the flushed records' strings
	return pending[:kept]
}

// ErrRestored reports a successful flush after the database file had been
// deleted while running and was written back from the open database.
var ErrRestored = errors.New("storage: the database file was deleted while Net-Pulse was running; it was written back from the open database and nothing was lost")

// fileIntact reports whether the database file is still the one opened:
// SQLite would go on writing into a deleted or replaced file.
func (s *Storage) fileIntact() bool {
	s.conn.RLock()
	defer s.conn.RUnlock()
	st, err := os.Stat(s.path)
	return err == nil && os.SameFile(st, s.fileID)
}

// interfaceIDs returns the row id of every interface in batch, creating
// rows for new ones. Known ids come from memory: a flush that writes
// nothing new to the interfaces table leaves its pages alone.
func (s *Storage) interfaceIDs(ctx context.Context, tx *sql.Tx, batch []Record) (map[string]int64, error) {
	ids := map[string]int64{}
	s.mu.Lock()
	for _, r := range batch {
		if id, ok := s.ifaceID[r.Interface]; ok {
			ids[r.Interface] = id
		} else if _, ok := ids[r.Interface]; !ok {
			ids[r.Interface] = 0
		}
	}
	s.mu.Unlock()
	for name, id := range ids {
		if id != 0 {
			continue
		}
		err := tx.QueryRowContext(ctx, `
			INSERT INTO interfaces (name, first_seen) VALUES (?, unixepoch())
			ON CONFLICT (name) DO UPDATE SET name = name
			RETURNING id`, name).Scan(&id)
		if err != nil {
			return nil, fmt.Errorf("storage: flush: record interface %s: %w", name, describe(err))
		}
		ids[name] = id
	}
	return ids, nil
}

type bucketKey struct {
	t     int64
	iface string
}

type bucketSum struct {
	rx, tx, rxPkts, txPkts, rxPeak, txPeak uint64
}

func (b *bucketSum) add(r Record) {
	b.rx += r.RxBytes
	b.tx += r.TxBytes
	b.rxPkts += r.RxPackets
	b.txPkts += r.TxPackets
	b.rxPeak = max(b.rxPeak, r.RxPeak)
	b.txPeak = max(b.txPeak, r.TxPeak)
}

// writeTier adds the batch into one tier: summed in memory first, so a
// minute of 1-second polls costs one row per interface in the coarse
// tiers, not sixty. Rows go in as multi-row upserts of upsertChunks rows:
// a statement per row spent more in database/sql and binding than SQLite
// spent writing.
func (s *Storage) writeTier(ctx context.Context, tx *sql.Tx, t tier, batch []Record, ids map[string]int64) error {
	sums := map[bucketKey]*bucketSum{}
	var order []bucketKey
	for _, r := range batch {
		k := bucketKey{t.bucketStart(r.Time.Unix()), r.Interface}
		b, ok := sums[k]
		if !ok {
			b = &bucketSum{}
			sums[k] = b
			order = append(order, k)
		}
		b.add(r)
	}
	args := make([]any, 0, min(len(order), upsertChunks[0])*t.columns())
	for len(order) > 0 {
		n := upsertChunks[len(upsertChunks)-1]
		for _, c := range upsertChunks {
			if c <= len(order) {
				n = c
				break
			}
		}
		args = args[:0]
		for _, k := range order[:n] {
			b := sums[k]
			if t.ring > 0 {
				args = append(args, t.slot(k.t), ids[k.iface], k.t)
			} else {
				args = append(args, k.t, ids[k.iface])
			}
			args = append(args, int64(b.rx), int64(b.tx),
				int64(b.rxPkts), int64(b.txPkts), int64(b.rxPeak), int64(b.txPeak))
		}
		st, err := s.stmts.stmt(ctx, tx, stmtKey{t.table, n})
		if err == nil {
			_, err = st.ExecContext(ctx, args...)
		}
		if err != nil {
			return fmt.Errorf("storage: flush %s: %w", t.table, describe(err))
		}
		order = order[n:]
	}
	return nil
}

// upsertChunks are the row counts of the multi-row upserts, largest first.
var upsertChunks = [...]int{64, 8, 1}

const (
	tierColumns = "(t, iface, rx, tx, rx_pkts, tx_pkts, rx_peak, tx_peak)"
	ringColumns = "(slot, iface, t, rx, tx, rx_pkts, tx_pkts, rx_peak, tx_peak)"
)

// columns is how many values a row of the tier takes.
func (t tier) columns() int {
	if t.ring > 0 {
		return strings.Count(ringColumns, ",") + 1
	}
	return strings.Count(tierColumns, ",") + 1
}

// upsertSQL is the statement that adds rows buckets' sums into tier t.
//
// In the coarse tiers a bucket's sums add into its row. In a ring a bucket
// adds into its slot when the slot holds the same bucket, and replaces the
// slot's row when that holds an older one; a bucket older than the slot's
// (written late, after a clock step) is too old for the ring and left out,
// as retention would have deleted it.
func upsertSQL(t tier, rows int) string {
	cols, conflict, set := tierColumns, "(t, iface)", `
		rx = rx + excluded.rx, tx = tx + excluded.tx,
		rx_pkts = rx_pkts + excluded.rx_pkts, tx_pkts = tx_pkts + excluded.tx_pkts,
		rx_peak = max(rx_peak, excluded.rx_peak), tx_peak = max(tx_peak, excluded.tx_peak)`
	if t.ring > 0 {
		cols, conflict, set = ringColumns, "(slot, iface)", `
		rx = iif(t = excluded.t, rx + excluded.rx, excluded.rx),
		tx = iif(t = excluded.t, tx + excluded.tx, excluded.tx),
		rx_pkts = iif(t = excluded.t, rx_pkts + excluded.rx_pkts, excluded.rx_pkts),
		tx_pkts = iif(t = excluded.t, tx_pkts + excluded.tx_pkts, excluded.tx_pkts),
		rx_peak = iif(t = excluded.t, max(rx_peak, excluded.rx_peak), excluded.rx_peak),
		tx_peak = iif(t = excluded.t, max(tx_peak, excluded.tx_peak), excluded.tx_peak),
		t = excluded.t
	WHERE excluded.t >= t`
	}
	row := "(?" + strings.Repeat(", ?", t.columns()-1) + ")"
	values := row + strings.Repeat(", "+row, rows-1)
	return "INSERT INTO " + t.table + " " + cols + " VALUES " + values +
		" ON CONFLICT " + conflict + " DO UPDATE SET" + set
}

// writeCheckpoints stores, per interface, the counters of its last record in
// the batch: exactly the reading the recorded traffic ends at.
func (s *Storage) writeCheckpoints(ctx context.Context, tx *sql.Tx, batch []Record) error {
	last := map[string]Record{}
	for _, r := range batch {
		last[r.Interface] = r
	}
	st, err := s.stmts.stmt(ctx, tx, stmtKey{"checkpoints", 1})
	if err != nil {
		return fmt.Errorf("storage: flush checkpoints: %w", describe(err))
	}
	for name, r := range last {
		c := r.Counters
		_, err := st.ExecContext(ctx,
			name, r.BootID, c.Index, r.Time.UnixMilli(),
			int64(c.RxBytes), int64(c.TxBytes), int64(c.RxPackets), int64(c.TxPackets),
			int64(c.RxErrors), int64(c.TxErrors), int64(c.RxDrops), int64(c.TxDrops))
		if err != nil {
			return fmt.Errorf("storage: flush checkpoint %s: %w", name, describe(err))
		}
	}
	return nil
}

const upsertCheckpoint = `
	INSERT OR REPLACE INTO checkpoints
		(iface, boot_id, ifindex, t_ms, rx, tx, rx_pkts, tx_pkts, rx_errs, tx_errs, rx_drops, tx_drops)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// flushStatements are the statements a flush runs.
func flushStatements() map[stmtKey]string {
	qs := map[stmtKey]string{{"checkpoints", 1}: upsertCheckpoint}
	for _, t := range tiers {
		for _, n := range upsertChunks {
			qs[stmtKey{t.table, n}] = upsertSQL(t, n)
		}
	}
	return qs
}

// foldOldest merges the first n records into one record per interface and
// minute, keeping sums, peaks and the last counters.
func foldOldest(recs []Record, n int) []Record {
	type key struct {
		iface  string
		minute int64
	}
	var out []Record
	idx := map[key]int{}
	for _, r := range recs[:n] {
		k := key{r.Interface, r.Time.Unix() / 60}
		i, ok := idx[k]
		if !ok {
			idx[k] = len(out)
			out = append(out, r)
			continue
		}
		f := &out[i]
		f.RxBytes += r.RxBytes
		f.TxBytes += r.TxBytes
		f.RxPackets += r.RxPackets
		f.TxPackets += r.TxPackets
		f.RxPeak = max(f.RxPeak, r.RxPeak)
		f.TxPeak = max(f.TxPeak, r.TxPeak)
		f.Time, f.Counters, f.BootID = r.Time, r.Counters, r.BootID
	}
	return append(out, recs[n:]...)
}
