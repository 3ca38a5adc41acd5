package app

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/netpulse/netpulse/internal/plan"
	"github.com/netpulse/netpulse/storage"
)

// Limits of a plan, as the API documents them.
const (
	maxPlans          = 64
	maxPlanNameLen    = 100
	maxPlanInterfaces = 64
	maxThresholds     = 8
	minThreshold      = 1
	maxThreshold      = 1000
	// maxCapBytes is the largest integer a JavaScript number holds exactly
	// (about 9 PB); anything larger is a typing mistake.
	maxCapBytes     = 1<<53 - 1
	defaultCycles   = 12
	MaxPlanCycles   = 120 // the most cycles one answer lists
	quarterHour     = 15 * 60
	crossingSearchN = 64 // bounds the search for when a cap was reached
)

// errNoPlan answers a plan id that does not exist.
func errNoPlan(id int64) error {
	return &RequestError{Status: http.StatusNotFound, Msg: fmt.Sprintf("no plan with id %d", id)}
}

// planCache remembers what does not change: time zones by name, and the
// moment a cycle's cap was reached.
type planCache struct {
	mu      sync.Mutex
	zones   map[string]*time.Location
	reached map[string]int64
}

func newPlanCache() *planCache {
	return &planCache{zones: map[string]*time.Location{}, reached: map[string]int64{}}
}

// zone loads an IANA zone; "" is the server's own.
func (c *planCache) zone(name string) (*time.Location, error) {
	if name == "" {
		return time.Local, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if loc, ok := c.zones[name]; ok {
		return loc, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return nil, fmt.Errorf("tz: %q is not an IANA time zone such as Europe/Berlin", name)
	}
	if len(c.zones) > 256 {
		clear(c.zones)
	}
	c.zones[name] = loc
	return loc, nil
}

// serverZone is the IANA name of the server's zone when it can be told
// (TZ, or the /etc/localtime link), else "".
func serverZone() string {
	if tz := strings.TrimPrefix(os.Getenv("TZ"), ":"); tz != "" {
		if _, err := time.LoadLocation(tz); err == nil && tz != "Local" {
			return tz
		}
	}
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		if _, name, ok := strings.Cut(filepath.ToSlash(target), "zoneinfo/"); ok {
			if _, err := time.LoadLocation(name); err == nil {
				return name
			}
		}
	}
	if time.Local.String() == "UTC" {
		return "UTC"
	}
	return ""
}

// checkPlan validates p and returns it cleaned up, or a 400 naming the
// first bad field.
func (s *Service) checkPlan(ctx context.Context, p Plan) (storage.Plan, error) {
	out := storage.Plan{Name: strings.TrimSpace(p.Name), Direction: p.Direction, CapBytes: p.CapBytes, Period: p.Period,
		ResetDay: p.ResetDay, ResetHour: p.ResetHour, TZ: p.TZ}
	switch {
	case out.Name == "":
		return out, badRequest("name: a plan needs a name")
	case len([]rune(out.Name)) > maxPlanNameLen:
		return out, badRequest("name: longer than %d characters", maxPlanNameLen)
	case !oneLine(out.Name):
		// It goes into the tray's menu, webhook messages and /metrics labels.
		return out, badRequest("name: holds a control character or is not valid UTF-8")
	}
	if len(p.Interfaces) == 0 {
		return out, badRequest("interfaces: name at least one interface")
	}
	if len(p.Interfaces) > maxPlanInterfaces {
		return out, badRequest("interfaces: %d names, at most %d", len(p.Interfaces), maxPlanInterfaces)
	}
	for _, n := range p.Interfaces {
		if n == "" || len(n) > maxNameLen {
			return out, badRequest("interfaces: the name %q is empty or too long", n)
		}
	}
	out.Interfaces = slices.Compact(slices.Sorted(slices.Values(p.Interfaces)))
	if err := s.checkKnown(ctx, out.Interfaces); err != nil {
		var re *RequestError
		if errors.As(err, &re) {
			return out, badRequest("interfaces: %s", re.Msg)
		}
		return out, err
	}
	switch out.Direction {
	case "both", "rx", "tx":
	case "":
		out.Direction = "both"
	default:
		return out, badRequest("direction: %q is not one of both, rx, tx", p.Direction)
	}
	if out.CapBytes < 0 || out.CapBytes > maxCapBytes {
		return out, badRequest("cap_bytes: %d is out of range (0 for no cap, at most %d)", p.CapBytes, int64(maxCapBytes))
	}
	if out.Period == plan.Day {
		out.ResetDay = 0
	}
	if out.TZ == "" {
		out.TZ = serverZone()
	}
	loc, err := s.plans.zone(out.TZ)
	if err != nil {
		return out, badRequest("%v", err)
	}
	if err := (plan.Rule{Period: out.Period, ResetDay: out.ResetDay, ResetHour: out.ResetHour, Loc: loc}).Check(); err != nil {
		return out, badRequest("%v", err)
	}
	if len(p.Thresholds) > maxThresholds {
		return out, badRequest("thresholds: %d given, at most %d", len(p.Thresholds), maxThresholds)
	}
	for _, t := range p.Thresholds {
		if t < minThreshold || t > maxThreshold {
			return out, badRequest("thresholds: %d is not a percent from %d to %d", t, minThreshold, maxThreshold)
		}
	}
	out.Thresholds = slices.Compact(slices.Sorted(slices.Values(p.Thresholds)))
	if out.Thresholds == nil {
		out.Thresholds = []int{}
	}
	return out, nil
}

// rule is p's cycle rule.
func (s *Service) rule(p storage.Plan) (plan.Rule, error) {
	loc, err := s.plans.zone(p.TZ)
	if err != nil {
		return plan.Rule{}, fmt.Errorf("plan %d: %w", p.ID, err)
	}
	return plan.Rule{Period: p.Period, ResetDay: p.ResetDay, ResetHour: p.ResetHour, Loc: loc}, nil
}

// Plans returns every plan with its live usage, as GET /api/plans does.
// The tray lists these.
func (s *Service) Plans(ctx context.Context) ([]Plan, error) {
	stored, err := s.store.Plans(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	out := make([]Plan, 0, len(stored))
	for _, p := range stored {
		v, err := s.planWithUsage(ctx, p, now)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Plan returns one plan with its usage.
func (s *Service) Plan(ctx context.Context, id int64) (Plan, error) {
	p, ok, err := s.store.Plan(ctx, id)
	if err != nil {
		return Plan{}, err
	}
	if !ok {
		return Plan{}, errNoPlan(id)
	}
	return s.planWithUsage(ctx, p, time.Now())
}

// CreatePlan checks and saves a new plan.
func (s *Service) CreatePlan(ctx context.Context, p Plan) (Plan, error) {
	sp, err := s.checkPlan(ctx, p)
	if err != nil {
		return Plan{}, err
	}
	if all, err := s.store.Plans(ctx); err != nil {
		return Plan{}, err
	} else if len(all) >= maxPlans {
		return Plan{}, badRequest("there are %d plans already, the most there can be", len(all))
	}
	if sp.ID, err = s.store.SavePlan(ctx, sp); err != nil {
		return Plan{}, err
	}
	s.log.Info("plan created", "id", sp.ID, "name", sp.Name)
	s.alerts.plansChanged()
	return s.planWithUsage(ctx, sp, time.Now())
}

// UpdatePlan checks p and replaces the plan id with it.
func (s *Service) UpdatePlan(ctx context.Context, id int64, p Plan) (Plan, error) {
	sp, err := s.checkPlan(ctx, p)
	if err != nil {
		return Plan{}, err
	}
	sp.ID = id
	got, err := s.store.SavePlan(ctx, sp)
	if err != nil {
		return Plan{}, err
	}
	if got == 0 {
		return Plan{}, errNoPlan(id)
	}
	s.log.Info("plan changed", "id", id, "name", sp.Name)
	s.alerts.plansChanged()
	return s.planWithUsage(ctx, sp, time.Now())
}

// DeletePlan deletes a plan.
func (s *Service) DeletePlan(ctx context.Context, id int64) error {
	ok, err := s.store.DeletePlan(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return errNoPlan(id)
	}
	s.log.Info("plan deleted", "id", id)
	s.alerts.plansChanged()
	return nil
}

// PlanCycles returns the plan's last count cycles (the current one last)
// with their totals; count 0 means 12.
func (s *Service) PlanCycles(ctx context.Context, id int64, count int) ([]PlanCycle, error) {
	if count == 0 {
		count = defaultCycles
	}
	if count < 1 || count > MaxPlanCycles {
		return nil, badRequest("count: %d is out of range (1 to %d)", count, MaxPlanCycles)
	}
	p, ok, err := s.store.Plan(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNoPlan(id)
	}
	r, err := s.rule(p)
	if err != nil {
		return nil, err
	}
	out := make([]PlanCycle, count)
	start, end := r.Cycle(time.Now())
	for i := count - 1; i >= 0; i-- {
		rx, tx, err := s.store.Sum(ctx, p.Interfaces, start.Unix(), end.Unix())
		if err != nil {
			return nil, err
		}
		used := usedBytes(p.Direction, rx, tx)
		out[i] = PlanCycle{CycleStart: start.Unix(), CycleEnd: end.Unix(), RxBytes: int64(rx), TxBytes: int64(tx),
			UsedBytes: used, Percent: percentOf(used, p.CapBytes)}
		start, end = r.Previous(start)
	}
	return out, nil
}

// planWithUsage is p as the API shows it, with its current cycle's usage.
func (s *Service) planWithUsage(ctx context.Context, p storage.Plan, now time.Time) (Plan, error) {
	out := Plan{ID: p.ID, Name: p.Name, Interfaces: p.Interfaces, Direction: p.Direction, CapBytes: p.CapBytes,
		Period: p.Period, ResetDay: p.ResetDay, ResetHour: p.ResetHour, TZ: p.TZ, Thresholds: p.Thresholds}
	u, err := s.usage(ctx, p, now)
	if err != nil {
		return Plan{}, err
	}
	out.Usage = &u
	return out, nil
}

// usage is p's current cycle at now. The projection extrapolates the
// cycle's average rate so far to its end: used × (cycle length ÷ time
// elapsed). The cap's moment is when that rate reaches it, or, once
// reached, the end of the quarter hour in which it was.
func (s *Service) usage(ctx context.Context, p storage.Plan, now time.Time) (PlanUsage, error) {
	r, err := s.rule(p)
	if err != nil {
		return PlanUsage{}, err
	}
	start, end := r.Cycle(now)
	rx, tx, err := s.store.Sum(ctx, p.Interfaces, start.Unix(), end.Unix())
	if err != nil {
		return PlanUsage{}, err
	}
	used := usedBytes(p.Direction, rx, tx)
	u := PlanUsage{PlanCycle: PlanCycle{CycleStart: start.Unix(), CycleEnd: end.Unix(), RxBytes: int64(rx), TxBytes: int64(tx),
		UsedBytes: used, Percent: percentOf(used, p.CapBytes)}, ThresholdsReached: reached(p, used)}
	elapsed := max(now.Sub(start).Seconds(), 1)
	rate := float64(used) / elapsed // bytes per second
	u.ProjectedBytes = used + int64(math.Round(rate*max(end.Sub(now).Seconds(), 0)))
	u.ProjectedPercent = percentOf(u.ProjectedBytes, p.CapBytes)
	switch {
	case p.CapBytes <= 0:
	case used >= p.CapBytes:
		at, err := s.capReachedAt(ctx, p, start.Unix(), now)
		if err != nil {
			return PlanUsage{}, err
		}
		u.CapReachedAt = &at
	case rate > 0:
		at := now.Unix() + int64(math.Ceil(float64(p.CapBytes-used)/rate))
		if at < end.Unix() {
			u.CapReachedAt = &at
		}
	}
	return u, nil
}

// capReachedAt finds the end of the quarter hour of the cycle starting at
// start in which the plan's traffic reached its cap, by bisection over the
// tiers' sums; while that quarter hour lasts, now. The end of a past
// quarter hour never changes for a cycle, so it is remembered; now is not.
func (s *Service) capReachedAt(ctx context.Context, p storage.Plan, start int64, now time.Time) (int64, error) {
	key := fmt.Sprintf("%d/%d/%d/%s/%s", p.ID, start, p.CapBytes, p.Direction, strings.Join(p.Interfaces, ","))
	s.plans.mu.Lock()
	at, ok := s.plans.reached[key]
	s.plans.mu.Unlock()
	if ok {
		return at, nil
	}
	// The k-th point is start + k quarter hours; the last is the first
	// at or after now.
	hi := (now.Unix() - start + quarterHour - 1) / quarterHour
	lo := int64(0) // Sum(start, start) = 0 < cap
	for n := 0; hi-lo > 1 && n < crossingSearchN; n++ {
		mid := (lo + hi) / 2
		rx, tx, err := s.store.Sum(ctx, p.Interfaces, start, start+mid*quarterHour)
		if err != nil {
			return 0, err
		}
		if usedBytes(p.Direction, rx, tx) >= p.CapBytes {
			hi = mid
		} else {
			lo = mid
		}
	}
	at = start + hi*quarterHour
	if at > now.Unix() {
		return now.Unix(), nil
	}
	s.plans.mu.Lock()
	if len(s.plans.reached) > 1024 {
		clear(s.plans.reached)
	}
	s.plans.reached[key] = at
	s.plans.mu.Unlock()
	return at, nil
}

func usedBytes(direction string, rx, tx uint64) int64 {
	switch direction {
	case "rx":
		return int64(rx)
	case "tx":
		return int64(tx)
	}
	return int64(rx + tx)
}

// percentOf is used as a percent of limit, or nil without a limit.
func percentOf(used, limit int64) *float64 {
	if limit <= 0 {
		return nil
	}
	p := float64(used) * 100 / float64(limit)
	return &p
}

// reached lists the thresholds of p that used has reached, in exact
// integer arithmetic (used×100 ≥ threshold×cap).
func reached(p storage.Plan, used int64) []int {
	out := []int{}
	if p.CapBytes <= 0 {
		return out
	}
	for _, t := range p.Thresholds {
		if uint64(used)*100 >= uint64(t)*uint64(p.CapBytes) {
			out = append(out, t)
		}
	}
	return out
}
