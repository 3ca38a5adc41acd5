package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// Setting returns a stored setting and whether it was set.
func (s *Storage) Setting(ctx context.Context, key string) (string, bool, error) {
	s.view.RLock()
	defer s.view.RUnlock()
	var v string
	err := s.r.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("storage: read setting %s: %w", key, describe(err))
	}
	return v, true, nil
}

// SetSettings stores several settings in one transaction: all or none.
func (s *Storage) SetSettings(ctx context.Context, kv map[string]string) error {
	s.write.Lock()
	defer s.write.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: save settings: %w", describe(err))
	}
	defer tx.Rollback()
	for k, v := range kv {
		if _, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", k, v); err != nil {
			return fmt.Errorf("storage: save setting %s: %w", k, describe(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: save settings: %w", describe(err))
	}
	return nil
}

// KnownInterfaces returns the names of every interface with recorded
// traffic, sorted.
func (s *Storage) KnownInterfaces(ctx context.Context) ([]string, error) {
	s.view.RLock()
	defer s.view.RUnlock()
	rows, err := s.r.QueryContext(ctx, "SELECT name FROM interfaces ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("storage: list interfaces: %w", describe(err))
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("storage: list interfaces: %w", describe(err))
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: list interfaces: %w", describe(err))
	}
	// Interfaces with pending records only are known too.
	known := make(map[string]bool, len(out))
	for _, n := range out {
		known[n] = true
	}
	s.eachPending(func(r *Record) {
		if !known[r.Interface] && !r.Baseline {
			known[r.Interface] = true
			out = append(out, r.Interface)
		}
	})
	slices.Sort(out)
	return out, nil
}

func jsonList(names []string) string {
	if names == nil {
		names = []string{}
	}
	b, _ := json.Marshal(names)
	return string(b)
}
