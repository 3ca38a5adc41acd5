package storage

import (
	"context"
	"fmt"
	"maps"
	"sync"
)

// Totals is everything recorded for one interface since its history began.
type Totals struct {
	RxBytes, TxBytes, RxPackets, TxPackets uint64
}

func (t *Totals) add(r Record) {
	t.RxBytes += r.RxBytes
	t.TxBytes += r.TxBytes
	t.RxPackets += r.RxPackets
	t.TxPackets += r.TxPackets
}

// allTime keeps each interface's sums over the whole rollup tier in memory,
// so that the Prometheus counters cost a map copy per scrape instead of a
// scan of the tier. It is read from the database once, on first use, and
// from then on every flush adds its records while it holds view.Lock, right
// after its commit (like the day rollup, see days.go): a reader under
// view.RLock sees a record either in both the database and the sums or in
// neither. The tier is never pruned, so the sums only ever grow.
type allTime struct {
	mu   sync.Mutex
	sums map[string]Totals // nil until read
}

// add adds flushed records to the sums, once they have been read.
func (a *allTime) add(batch []Record) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.sums == nil {
		return
	}
	for _, r := range batch {
		t := a.sums[r.Interface]
		t.add(r)
		a.sums[r.Interface] = t
	}
}

// reset forgets the sums, for when the database file changes.
func (a *allTime) reset() {
	a.mu.Lock()
	a.sums = nil
	a.mu.Unlock()
}

// copy returns a copy of the sums, reading them from the database first if
// needed. The caller holds view.RLock and conn.RLock.
func (a *allTime) copy(ctx context.Context, s *Storage) (map[string]Totals, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.sums == nil {
		sums, err := readAllTime(ctx, s)
		if err != nil {
			return nil, err
		}
		a.sums = sums
	}
	return maps.Clone(a.sums), nil
}

// readAllTime sums the rollup tier per interface.
func readAllTime(ctx context.Context, s *Storage) (map[string]Totals, error) {
	t, forever := rollupTier()
	if !forever {
		return nil, fmt.Errorf("storage: all-time totals need a tier that is never pruned; %s is", t.table)
	}
	rows, err := s.r.QueryContext(ctx, `
		SELECT i.name, sum(x.rx), sum(x.tx), sum(x.rx_pkts), sum(x.tx_pkts)
		FROM `+t.table+` x JOIN interfaces i ON i.id = x.iface
		GROUP BY x.iface`)
	if err != nil {
		return nil, fmt.Errorf("storage: read all-time totals: %w", describe(err))
	}
	defer rows.Close()
	sums := map[string]Totals{}
	for rows.Next() {
		var name string
		var rx, tx, rxp, txp int64
		if err := rows.Scan(&name, &rx, &tx, &rxp, &txp); err != nil {
			return nil, fmt.Errorf("storage: read all-time totals: %w", describe(err))
		}
		sums[name] = Totals{RxBytes: uint64(rx), TxBytes: uint64(tx), RxPackets: uint64(rxp), TxPackets: uint64(txp)}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: read all-time totals: %w", describe(err))
	}
	return sums, nil
}

// AllTimeTotals returns, per interface, everything recorded since its
// history began, records not yet flushed included. Only the first call
// reads the database; later ones add the pending records to sums kept in
// memory. The answer never decreases between calls of one process.
func (s *Storage) AllTimeTotals(ctx context.Context) (map[string]Totals, error) {
	s.view.RLock()
	defer s.view.RUnlock()
	s.conn.RLock()
	defer s.conn.RUnlock()
	out, err := s.days.all.copy(ctx, s)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.pending {
		t := out[r.Interface]
		t.add(r)
		out[r.Interface] = t
	}
	return out, nil
}
