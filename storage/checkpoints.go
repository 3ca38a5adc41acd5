package storage

import (
	"context"
	"fmt"
	"time"
)

// Checkpoint is the last recorded reading of an interface.
type Checkpoint struct {
	Interface string
	BootID    string
	Time      time.Time
	Counters  Counters
}

// Checkpoints returns the stored checkpoints.
func (s *Storage) Checkpoints(ctx context.Context) ([]Checkpoint, error) {
	s.write.Lock()
	defer s.write.Unlock()
	rows, err := s.w.QueryContext(ctx, `
		SELECT iface, boot_id, ifindex, t_ms, rx, tx, rx_pkts, tx_pkts, rx_errs, tx_errs, rx_drops, tx_drops
		FROM checkpoints ORDER BY iface`)
	if err != nil {
		return nil, fmt.Errorf("storage: read checkpoints: %w", describe(err))
	}
	defer rows.Close()
	var out []Checkpoint
	for rows.Next() {
		var cp Checkpoint
		var ms int64
		var v [8]int64
		if err := rows.Scan(&cp.Interface, &cp.BootID, &cp.Counters.Index, &ms,
			&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]); err != nil {
			return nil, fmt.Errorf("storage: read checkpoints: %w", describe(err))
		}
		cp.Time = time.UnixMilli(ms)
		c := &cp.Counters
		c.RxBytes, c.TxBytes, c.RxPackets, c.TxPackets = uint64(v[0]), uint64(v[1]), uint64(v[2]), uint64(v[3])
		c.RxErrors, c.TxErrors, c.RxDrops, c.TxDrops = uint64(v[4]), uint64(v[5]), uint64(v[6]), uint64(v[7])
		out = append(out, cp)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: read checkpoints: %w", describe(err))
	}
	return out, nil
}

// KeepCheckpoints deletes the checkpoints of interfaces not in names, so an
// interface monitored again later starts from a fresh baseline instead of
// counting the time it was not monitored.
func (s *Storage) KeepCheckpoints(ctx context.Context, names []string) error {
	s.write.Lock()
	defer s.write.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: update checkpoints: %w", describe(err))
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM checkpoints WHERE iface NOT IN (SELECT value FROM json_each(?))`, jsonList(names)); err != nil {
		return fmt.Errorf("storage: update checkpoints: %w", describe(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: update checkpoints: %w", describe(err))
	}
	return nil
}
