package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// planSchema is migration 5. Plans and notifiers keep their lists as JSON
// text. ids are AUTOINCREMENT so a deleted plan's id, which its alerts'
// keys carry, is never given to a new one.
//
// An alert is recorded once under its key (a plan's threshold: plan, cycle,
// cap and percent), together with a delivery per notifier, in one
// transaction, before anything is sent; a delivery is marked sent after it
// succeeds. After a crash the deliveries still pending are sent again, and
// an alert already recorded is never raised twice.
const planSchema = `
CREATE TABLE plans (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	name       TEXT NOT NULL,
	interfaces TEXT NOT NULL,
	direction  TEXT NOT NULL,
	cap_bytes  INTEGER NOT NULL,
	period     TEXT NOT NULL,
	reset_day  INTEGER NOT NULL,
	reset_hour INTEGER NOT NULL,
	tz         TEXT NOT NULL,
	thresholds TEXT NOT NULL
) STRICT;

CREATE TABLE notifiers (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	name          TEXT NOT NULL,
	url           TEXT NOT NULL,
	events        TEXT NOT NULL,
	last_error    TEXT NOT NULL DEFAULT '',
	last_error_at INTEGER NOT NULL DEFAULT 0,
	last_sent_at  INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE alerts (
	key  TEXT PRIMARY KEY,
	t    INTEGER NOT NULL,
	body TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE deliveries (
	id       INTEGER PRIMARY KEY,
	alert    TEXT NOT NULL REFERENCES alerts(key) ON DELETE CASCADE,
	notifier INTEGER NOT NULL REFERENCES notifiers(id) ON DELETE CASCADE,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_try INTEGER NOT NULL,
	state    TEXT NOT NULL DEFAULT 'pending', -- pending, sent, failed
	done_at  INTEGER NOT NULL DEFAULT 0,
	UNIQUE (alert, notifier)
) STRICT;
CREATE INDEX deliveries_pending ON deliveries (state) WHERE state = 'pending';
`

// Plan is a stored data plan.
type Plan struct {
	ID         int64
	Name       string
	Interfaces []string
	Direction  string
	CapBytes   int64
	Period     string
	ResetDay   int
	ResetHour  int
	TZ         string
	Thresholds []int
}

// Notifier is a stored notifier. URL holds its secrets: never log it.
type Notifier struct {
	ID          int64
	Name        string
	URL         string
	Events      []string
	LastError   string
	LastErrorAt int64
	LastSentAt  int64
}

// Delivery is an alert still to be sent to a notifier.
type Delivery struct {
	ID       int64
	Notifier int64
	Alert    string // the alert's key
	Body     []byte // the alert, as the app encoded it
	Attempts int
	NextTry  int64 // unix seconds
}

const planColumns = "id, name, interfaces, direction, cap_bytes, period, reset_day, reset_hour, tz, thresholds"

// Plans returns every plan, oldest first.
func (s *Storage) Plans(ctx context.Context) ([]Plan, error) {
	ps, gen, ok := s.plans.get()
	if ok {
		return ps, nil
	}
	ps, err := s.queryPlans(ctx, "SELECT "+planColumns+" FROM plans ORDER BY id")
	if err == nil {
		s.plans.put(ps, gen)
	}
	return ps, err
}

// planList keeps the plans in memory: every /metrics scrape and every
// round of alerts reads them all, and they change only through SavePlan
// and DeletePlan, which drop the list. A list read while one of those ran
// is not kept (gen tells).
type planList struct {
	mu    sync.Mutex
	gen   uint64
	plans []Plan // nil until read
}

func (l *planList) get() ([]Plan, uint64, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.plans == nil {
		return nil, l.gen, false
	}
	return clonePlans(l.plans), l.gen, true
}

func (l *planList) put(ps []Plan, gen uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if gen == l.gen {
		l.plans = clonePlans(ps)
	}
}

func (l *planList) drop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gen++
	l.plans = nil
}

// clonePlans copies ps deeply, so no caller can change the kept list.
func clonePlans(ps []Plan) []Plan {
	out := make([]Plan, len(ps))
	for i, p := range ps {
		p.Interfaces = slices.Clone(p.Interfaces)
		p.Thresholds = slices.Clone(p.Thresholds)
		out[i] = p
	}
	return out
}

// Plan returns the plan with the id, if there is one.
func (s *Storage) Plan(ctx context.Context, id int64) (Plan, bool, error) {
	ps, err := s.queryPlans(ctx, "SELECT "+planColumns+" FROM plans WHERE id = ?", id)
	if err != nil || len(ps) == 0 {
		return Plan{}, false, err
	}
	return ps[0], true, nil
}

func (s *Storage) queryPlans(ctx context.Context, query string, args ...any) ([]Plan, error) {
	s.view.RLock()
	defer s.view.RUnlock()
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: read plans: %w", describe(err))
	}
	defer rows.Close()
	out := []Plan{}
	for rows.Next() {
		var p Plan
		var ifaces, thresholds string
		if err := rows.Scan(&p.ID, &p.Name, &ifaces, &p.Direction, &p.CapBytes, &p.Period, &p.ResetDay, &p.ResetHour, &p.TZ, &thresholds); err != nil {
			return nil, fmt.Errorf("storage: read plans: %w", describe(err))
		}
		if err := errors.Join(json.Unmarshal([]byte(ifaces), &p.Interfaces), json.Unmarshal([]byte(thresholds), &p.Thresholds)); err != nil {
			return nil, fmt.Errorf("storage: read plan %d: %w", p.ID, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: read plans: %w", describe(err))
	}
	return out, nil
}

// SavePlan inserts p when p.ID is 0, else replaces the plan with that id;
// it returns the id, or 0 when there is no plan with p.ID.
func (s *Storage) SavePlan(ctx context.Context, p Plan) (int64, error) {
	ifaces, _ := json.Marshal(p.Interfaces)
	thresholds, _ := json.Marshal(p.Thresholds)
	args := []any{p.Name, string(ifaces), p.Direction, p.CapBytes, p.Period, p.ResetDay, p.ResetHour, p.TZ, string(thresholds)}
	defer s.plans.drop()
	s.write.Lock()
	defer s.write.Unlock()
	if p.ID == 0 {
		res, err := s.w.ExecContext(ctx, `INSERT INTO plans (name, interfaces, direction, cap_bytes, period, reset_day, reset_hour, tz, thresholds)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		if err != nil {
			return 0, fmt.Errorf("storage: save plan: %w", describe(err))
		}
		return res.LastInsertId()
	}
	res, err := s.w.ExecContext(ctx, `UPDATE plans SET name = ?, interfaces = ?, direction = ?, cap_bytes = ?, period = ?,
		reset_day = ?, reset_hour = ?, tz = ?, thresholds = ? WHERE id = ?`, append(args, p.ID)...)
	if err != nil {
		return 0, fmt.Errorf("storage: save plan %d: %w", p.ID, describe(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, nil
	}
	return p.ID, nil
}

// DeletePlan deletes a plan and reports whether there was one.
func (s *Storage) DeletePlan(ctx context.Context, id int64) (bool, error) {
	defer s.plans.drop()
	return s.deleteRow(ctx, "plans", id)
}

// DeleteNotifier deletes a notifier with its pending deliveries and
// reports whether there was one.
func (s *Storage) DeleteNotifier(ctx context.Context, id int64) (bool, error) {
	return s.deleteRow(ctx, "notifiers", id)
}

func (s *Storage) deleteRow(ctx context.Context, table string, id int64) (bool, error) {
	s.write.Lock()
	defer s.write.Unlock()
	res, err := s.w.ExecContext(ctx, "DELETE FROM "+table+" WHERE id = ?", id)
	if err != nil {
		return false, fmt.Errorf("storage: delete from %s: %w", table, describe(err))
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// dropNotifiers deletes every notifier and, by cascade, its deliveries,
// then rebuilds the file with VACUUM: deleted rows leave their bytes in
// free space, and even secure_delete leaves some in a page the delete
// rearranges. It is for a copy that must not carry their URLs.
func (s *Storage) dropNotifiers(ctx context.Context) (int, error) {
	s.write.Lock()
	defer s.write.Unlock()
	res, err := s.w.ExecContext(ctx, "DELETE FROM notifiers")
	if err != nil {
		return 0, fmt.Errorf("storage: leave out notifiers: %w", describe(err))
	}
	if _, err := s.w.ExecContext(ctx, "VACUUM"); err != nil {
		return 0, fmt.Errorf("storage: leave out notifiers: %w", describe(err))
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Notifiers returns every notifier, oldest first.
func (s *Storage) Notifiers(ctx context.Context) ([]Notifier, error) {
	s.view.RLock()
	defer s.view.RUnlock()
	rows, err := s.r.QueryContext(ctx, "SELECT id, name, url, events, last_error, last_error_at, last_sent_at FROM notifiers ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("storage: read notifiers: %w", describe(err))
	}
	defer rows.Close()
	out := []Notifier{}
	for rows.Next() {
		var n Notifier
		var events string
		if err := rows.Scan(&n.ID, &n.Name, &n.URL, &events, &n.LastError, &n.LastErrorAt, &n.LastSentAt); err != nil {
			return nil, fmt.Errorf("storage: read notifiers: %w", describe(err))
		}
		if err := json.Unmarshal([]byte(events), &n.Events); err != nil {
			return nil, fmt.Errorf("storage: read notifier %d: %w", n.ID, err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: read notifiers: %w", describe(err))
	}
	return out, nil
}

// AddNotifier stores a new notifier and returns its id.
func (s *Storage) AddNotifier(ctx context.Context, n Notifier) (int64, error) {
	s.write.Lock()
	defer s.write.Unlock()
	res, err := s.w.ExecContext(ctx, "INSERT INTO notifiers (name, url, events) VALUES (?, ?, ?)", n.Name, n.URL, jsonList(n.Events))
	if err != nil {
		return 0, fmt.Errorf("storage: save notifier: %w", describe(err))
	}
	return res.LastInsertId()
}

// NotifierResult records the outcome of a delivery to a notifier at unix
// time at: errMsg empty for a success.
func (s *Storage) NotifierResult(ctx context.Context, id int64, at int64, errMsg string) error {
	q := "UPDATE notifiers SET last_sent_at = ?, last_error = '', last_error_at = 0 WHERE id = ?"
	args := []any{at, id}
	if errMsg != "" {
		q, args = "UPDATE notifiers SET last_error = ?, last_error_at = ? WHERE id = ?", []any{errMsg, at, id}
	}
	s.write.Lock()
	defer s.write.Unlock()
	if _, err := s.w.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("storage: record a delivery: %w", describe(err))
	}
	return nil
}

// RaiseAlert records the alert under key at unix time t, with a pending
// delivery to each of notifiers, in one transaction. It reports false, and
// changes nothing, when the key was recorded before.
func (s *Storage) RaiseAlert(ctx context.Context, key string, t int64, body []byte, notifiers []int64) (bool, error) {
	s.write.Lock()
	defer s.write.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("storage: record alert: %w", describe(err))
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, "INSERT INTO alerts (key, t, body) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING", key, t, string(body))
	if err != nil {
		return false, fmt.Errorf("storage: record alert: %w", describe(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	for _, id := range notifiers {
		if _, err := tx.ExecContext(ctx, "INSERT INTO deliveries (alert, notifier, next_try) VALUES (?, ?, ?)", key, id, t); err != nil {
			return false, fmt.Errorf("storage: record alert: %w", describe(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("storage: record alert: %w", describe(err))
	}
	return true, nil
}

// AlertRaised reports whether an alert was recorded under key.
func (s *Storage) AlertRaised(ctx context.Context, key string) (bool, error) {
	s.view.RLock()
	defer s.view.RUnlock()
	var one int
	err := s.r.QueryRowContext(ctx, "SELECT 1 FROM alerts WHERE key = ?", key).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("storage: read alerts: %w", describe(err))
	}
	return true, nil
}

// PendingDeliveries returns the deliveries not yet sent nor given up, the
// oldest first.
func (s *Storage) PendingDeliveries(ctx context.Context) ([]Delivery, error) {
	s.view.RLock()
	defer s.view.RUnlock()
	rows, err := s.r.QueryContext(ctx, `SELECT d.id, d.notifier, d.alert, a.body, d.attempts, d.next_try
		FROM deliveries d JOIN alerts a ON a.key = d.alert WHERE d.state = 'pending' ORDER BY d.id`)
	if err != nil {
		return nil, fmt.Errorf("storage: read deliveries: %w", describe(err))
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var body string
		if err := rows.Scan(&d.ID, &d.Notifier, &d.Alert, &body, &d.Attempts, &d.NextTry); err != nil {
			return nil, fmt.Errorf("storage: read deliveries: %w", describe(err))
		}
		d.Body = []byte(body)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: read deliveries: %w", describe(err))
	}
	return out, nil
}

// DeliveryDone marks a delivery sent (failed false) or given up (failed
// true) at unix time at.
func (s *Storage) DeliveryDone(ctx context.Context, id int64, at int64, failed bool) error {
	state := "sent"
	if failed {
		state = "failed"
	}
	s.write.Lock()
	defer s.write.Unlock()
	if _, err := s.w.ExecContext(ctx, "UPDATE deliveries SET state = ?, done_at = ?, attempts = attempts + 1 WHERE id = ?", state, at, id); err != nil {
		return fmt.Errorf("storage: record a delivery: %w", describe(err))
	}
	return nil
}

// DeliveryRetry records a failed attempt and when to try again.
func (s *Storage) DeliveryRetry(ctx context.Context, id int64, attempts int, next int64) error {
	s.write.Lock()
	defer s.write.Unlock()
	if _, err := s.w.ExecContext(ctx, "UPDATE deliveries SET attempts = ?, next_try = ? WHERE id = ?", attempts, next, id); err != nil {
		return fmt.Errorf("storage: record a delivery: %w", describe(err))
	}
	return nil
}
