package storage

import (
	"context"
	"fmt"
	"maps"

	"github.com/netpulse/netpulse/internal/traffic"
)

// Totals is everything recorded for one interface since its history began.
type Totals = traffic.Counts

// allTime keeps each interface's sums over the whole rollup tier in memory,
// so that the Prometheus counters cost a map copy per scrape instead of a
// scan of the tier. It is read from the database once, on first use, and
// from then on every flush adds its records while it holds view.Lock, right
// after its commit (like the day rollup, see days.go): a reader under
// view.RLock sees a record either in both the database and the sums or in
// neither. The tier is never pruned, so the sums only ever grow. The day
// rollup that holds it guards it with its lock.
type allTime struct {
	sums map[string]Totals // nil until read
}

// add adds flushed records to the sums, once they have been read.
func (a *allTime) add(batch []Record) {
	if a.sums == nil {
		return
	}
	for _, r := range batch {
		t := a.sums[r.Interface]
		t.Add(r.Counts)
		a.sums[r.Interface] = t
	}
}

// copy returns a copy of the sums, reading them from the database first if
// needed. The caller holds view.RLock.
func (a *allTime) copy(ctx context.Context, s *Storage) (map[string]Totals, error) {
	if a.sums == nil {
		sums, err := readAllTime(ctx, s)
		if err != nil {
			return nil, err
		}
		a.sums = sums
	}
	return maps.Clone(a.sums), nil
}

// readAllTime sums the rollup tier and its errors and drops per interface.
func readAllTime(ctx context.Context, s *Storage) (map[string]Totals, error) {
	t, forever := rollupTier()
	if !forever {
		return nil, fmt.Errorf("storage: all-time totals need a tier that is never pruned; %s is", t.table)
	}
	sums := map[string]Totals{}
	err := sumPerInterface(ctx, s, `SELECT i.name, sum(x.rx), sum(x.tx), sum(x.rx_pkts), sum(x.tx_pkts)
		FROM `+t.table+` x JOIN interfaces i ON i.id = x.iface GROUP BY x.iface`,
		func(t *Totals, v [4]int64) {
			t.RxBytes, t.TxBytes, t.RxPackets, t.TxPackets = uint64(v[0]), uint64(v[1]), uint64(v[2]), uint64(v[3])
		}, sums)
	if err != nil {
		return nil, err
	}
	err = sumPerInterface(ctx, s, `SELECT i.name, sum(x.rx_errs), sum(x.tx_errs), sum(x.rx_drops), sum(x.tx_drops)
		FROM `+t.faults()+` x JOIN interfaces i ON i.id = x.iface GROUP BY x.iface`,
		func(t *Totals, v [4]int64) {
			t.RxErrors, t.TxErrors, t.RxDrops, t.TxDrops = uint64(v[0]), uint64(v[1]), uint64(v[2]), uint64(v[3])
		}, sums)
	if err != nil {
		return nil, err
	}
	return sums, nil
}

// sumPerInterface runs a query answering an interface name and four sums
// per row, and sets them into sums with set.
func sumPerInterface(ctx context.Context, s *Storage, query string, set func(*Totals, [4]int64), sums map[string]Totals) error {
	rows, err := s.r.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("storage: read all-time totals: %w", describe(err))
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var v [4]int64
		if err := rows.Scan(&name, &v[0], &v[1], &v[2], &v[3]); err != nil {
			return fmt.Errorf("storage: read all-time totals: %w", describe(err))
		}
		t := sums[name]
		set(&t, v)
		sums[name] = t
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("storage: read all-time totals: %w", describe(err))
	}
	return nil
}

// AllTimeTotals returns, per interface, everything recorded since its
// history began, records not yet flushed included. Only the first call
// reads the database; later ones add the pending records to sums kept in
// memory. The answer never decreases between calls of one process.
func (s *Storage) AllTimeTotals(ctx context.Context) (map[string]Totals, error) {
	s.view.RLock()
	defer s.view.RUnlock()
	out, err := s.days.allTime(ctx, s)
	if err != nil {
		return nil, err
	}
	s.eachPending(func(r *Record) {
		t := out[r.Interface]
		t.Add(r.Counts)
		out[r.Interface] = t
	})
	return out, nil
}
