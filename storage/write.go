package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/netpulse/netpulse/internal/traffic"
)

// Counters are an interface's cumulative kernel counters, as checkpointed,
// with its index (see collector.Counters).
type Counters struct {
	Index int
	traffic.Counts
}

// Record is the traffic of one interface in one poll.
type Record struct {
	Interface string
	Time      time.Time // when the poll read the counters
	traffic.Counts
	RxPeak uint64 // the poll's rate, bytes per second
	TxPeak uint64
	// Counters and BootID are the reading the record ends at; the last
	// flushed one per interface becomes its checkpoint.
	Counters Counters
	BootID   string
	// Baseline marks a record that carries no traffic, only the counters
	// an interface's count starts from: it becomes the checkpoint and adds
	// nothing to any tier.
	Baseline bool
	// SkipRaw leaves the record out of the 1-second ring: a container
	// recorded without being monitored is charted from minutes up, and
	// costs no ring of its own (PERFORMANCE.md, "Containers").
	SkipRaw bool
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
		// The records a flush is writing stay as they are (it reads them
		// unlocked, and foldOldest returns a new slice, so writing after
		// them is safe); the fold takes the oldest after them.
		rest := s.pending[s.flushing:]
		s.pending = append(s.pending[:s.flushing], foldOldest(rest, len(rest)/2)...)
	}
	s.mu.Unlock()
}

// eachPending calls fn with each record waiting for a flush, in order,
// under mu: fn must not do I/O, nor keep r.
func (s *Storage) eachPending(fn func(*Record)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// By pointer: a plan's sum runs over minutes of polls several times
	// a minute, and copying each record cost more than adding it.
	for i := range s.pending {
		fn(&s.pending[i])
	}
}

// Pending returns how many records wait for a flush.
func (s *Storage) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// Flush writes the pending records and their checkpoints in one
// transaction, adding them into every tier. On error nothing is written and
// the records stay pending for the next try. Flushes run one at a time:
// two at once would both write the records pending when they began.
//
// A flush is not cancelled once begun: it takes milliseconds, and the last
// one runs as the daemon stops. Its statements run without a cancellable
// context because the SQLite driver starts a goroutine to watch the context
// of every statement, and those goroutines and the thread wake-ups they
// cause are costly (PERFORMANCE.md, "Statements without a cancellable
// context").
func (s *Storage) Flush(ctx context.Context) error {
	ctx = context.WithoutCancel(ctx)
	s.write.Lock()
	defer s.write.Unlock()
	if s.fileIntact() {
		return s.flush(ctx)
	}
	if err := s.restore(ctx); err != nil {
		return err
	}
	if err := s.flush(ctx); err != nil {
		return err
	}
	return ErrRestored
}

// flush writes the pending records in one transaction and makes them
// visible. The caller holds write.
func (s *Storage) flush(ctx context.Context) error {
	s.mu.Lock()
	batch := s.pending[:len(s.pending):len(s.pending)]
	s.flushing = len(batch)
	s.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	defer func() {
		s.mu.Lock()
		s.flushing = 0
		s.mu.Unlock()
	}()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: flush: %w", describe(err))
	}
	defer tx.Rollback()
	traffic := withoutBaselines(batch)
	ids, err := s.interfaceIDs(ctx, tx, traffic)
	if err != nil {
		return err
	}
	if err := s.raw.write(ctx, tx, &s.stmts, traffic, ids); err != nil {
		return err
	}
	for _, t := range tiers {
		if err := t.write(ctx, tx, &s.stmts, traffic, ids); err != nil {
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
	s.days.add(traffic)
	s.sums.drop()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending = dropFlushed(s.pending, len(batch))
	s.flushing = 0
	for name, id := range ids {
		s.ifaceID[name] = id
	}
	return nil
}

// withoutBaselines returns the records of batch that carry traffic: batch
// itself when it holds no baseline, as it almost always does.
func withoutBaselines(batch []Record) []Record {
	if !slices.ContainsFunc(batch, func(r Record) bool { return r.Baseline }) {
		return batch
	}
	return slices.DeleteFunc(slices.Clone(batch), func(r Record) bool { return r.Baseline })
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
// SQLite would go on writing into a deleted or replaced file. The caller
// holds write.
func (s *Storage) fileIntact() bool {
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
func (s *Storage) flushStatements() map[stmtKey]string {
	qs := s.raw.statements()
	qs[stmtKey{"checkpoints", 1}] = upsertCheckpoint
	for _, t := range tiers {
		maps.Copy(qs, t.statements())
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
		f.Counts.Add(r.Counts)
		f.RxPeak, f.TxPeak = max(f.RxPeak, r.RxPeak), max(f.TxPeak, r.TxPeak)
		f.Time, f.Counters, f.BootID = r.Time, r.Counters, r.BootID
		f.Baseline = f.Baseline && r.Baseline // traffic folded in makes it a record
	}
	return append(out, recs[n:]...)
}
