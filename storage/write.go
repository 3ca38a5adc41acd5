package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
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
		if err := writeTier(ctx, tx, t, batch, ids); err != nil {
			return err
		}
	}
	if err := writeCheckpoints(ctx, tx, batch); err != nil {
		return err
	}
	s.view.Lock()
	defer s.view.Unlock()
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: flush: %w", describe(err))
	}
	s.days.add(batch)
	s.mu.Lock()
	s.pending = append([]Record(nil), s.pending[len(batch):]...)
	for name, id := range ids {
		s.ifaceID[name] = id
	}
	s.mu.Unlock()
	return nil
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
// minute of 1-second polls costs one upsert per interface in the coarse
// tiers, not sixty.
func writeTier(ctx context.Context, tx *sql.Tx, t tier, batch []Record, ids map[string]int64) error {
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
	upsert := upsertTier
	if t.ring > 0 {
		upsert = upsertRing
	}
	stmt, err := tx.PrepareContext(ctx, fmt.Sprintf(upsert, t.table))
	if err != nil {
		return fmt.Errorf("storage: flush %s: %w", t.table, describe(err))
	}
	defer stmt.Close()
	for _, k := range order {
		b := sums[k]
		args := []any{k.t, ids[k.iface], int64(b.rx), int64(b.tx),
			int64(b.rxPkts), int64(b.txPkts), int64(b.rxPeak), int64(b.txPeak)}
		if t.ring > 0 {
			args = append(args, t.slot(k.t))
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("storage: flush %s: %w", t.table, describe(err))
		}
	}
	return nil
}

// upsertTier adds a bucket's sums into a tier's row.
const upsertTier = `
	INSERT INTO %s (t, iface, rx, tx, rx_pkts, tx_pkts, rx_peak, tx_peak)
	VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
	ON CONFLICT (t, iface) DO UPDATE SET
		rx = rx + excluded.rx, tx = tx + excluded.tx,
		rx_pkts = rx_pkts + excluded.rx_pkts, tx_pkts = tx_pkts + excluded.tx_pkts,
		rx_peak = max(rx_peak, excluded.rx_peak), tx_peak = max(tx_peak, excluded.tx_peak)`

// upsertRing adds a bucket's sums into its slot when the slot holds the
// same bucket, and replaces the slot's row when that holds an older one; a
// bucket older than the slot's (written late, after a clock step) is too
// old for the ring and left out, as retention would have deleted it.
const upsertRing = `
	INSERT INTO %s (slot, iface, t, rx, tx, rx_pkts, tx_pkts, rx_peak, tx_peak)
	VALUES (?9, ?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8)
	ON CONFLICT (slot, iface) DO UPDATE SET
		rx = iif(t = excluded.t, rx + excluded.rx, excluded.rx),
		tx = iif(t = excluded.t, tx + excluded.tx, excluded.tx),
		rx_pkts = iif(t = excluded.t, rx_pkts + excluded.rx_pkts, excluded.rx_pkts),
		tx_pkts = iif(t = excluded.t, tx_pkts + excluded.tx_pkts, excluded.tx_pkts),
		rx_peak = iif(t = excluded.t, max(rx_peak, excluded.rx_peak), excluded.rx_peak),
		tx_peak = iif(t = excluded.t, max(tx_peak, excluded.tx_peak), excluded.tx_peak),
		t = excluded.t
	WHERE excluded.t >= t`

// writeCheckpoints stores, per interface, the counters of its last record in
// the batch: exactly the reading the recorded traffic ends at.
func writeCheckpoints(ctx context.Context, tx *sql.Tx, batch []Record) error {
	last := map[string]Record{}
	for _, r := range batch {
		last[r.Interface] = r
	}
	for name, r := range last {
		c := r.Counters
		_, err := tx.ExecContext(ctx, `
			INSERT OR REPLACE INTO checkpoints
				(iface, boot_id, ifindex, t_ms, rx, tx, rx_pkts, tx_pkts, rx_errs, tx_errs, rx_drops, tx_drops)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			name, r.BootID, c.Index, r.Time.UnixMilli(),
			int64(c.RxBytes), int64(c.TxBytes), int64(c.RxPackets), int64(c.TxPackets),
			int64(c.RxErrors), int64(c.TxErrors), int64(c.RxDrops), int64(c.TxDrops))
		if err != nil {
			return fmt.Errorf("storage: flush checkpoint %s: %w", name, describe(err))
		}
	}
	return nil
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
