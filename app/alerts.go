package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/netpulse/netpulse/internal/notify"
	"github.com/netpulse/netpulse/storage"
)

// Timing of alerts and their delivery.
const (
	// alertInterval is how often plans, rates, interfaces and health are
	// looked at: a few queries, nothing per poll. The poll job asks for
	// the round (onPoll); alertBackstop is how often the evaluator's own
	// timer checks that polls still ask, so that polls stuck still raise
	// health.degraded.
	alertInterval       = 10 * time.Second
	alertBackstop       = time.Minute
	deliveryTimeout     = 10 * time.Second
	maxDeliveryAttempts = 10
	firstRetry          = 5 * time.Second
	maxRetry            = 30 * time.Minute
	// Cooldowns: the same alert at most this often.
	rateCooldown      = time.Hour
	interfaceCooldown = time.Hour
	healthCooldown    = 15 * time.Minute
	maxRaisedKeys     = 10000
)

// alerter raises alerts and delivers them. One goroutine evaluates when the
// poll job asks every alertInterval (onPoll), when kicked, or when polls
// stop; one delivers when an alert is raised or a retry is due. The state
// below the subscribers belongs to the evaluator.
type alerter struct {
	svc      *Service
	log      *slog.Logger
	every    time.Duration
	backstop time.Duration // see alertBackstop
	client   *http.Client
	wakeC    chan struct{}   // evaluate now
	sendC    chan struct{}   // deliver now
	ctx      context.Context // ends at stop
	cancel   context.CancelFunc
	wg       sync.WaitGroup

	subsMu sync.Mutex
	subs   map[chan Alert]struct{}

	raised        map[string]bool // alert keys known to be recorded
	degraded      bool
	degradedSent  bool
	lastDegraded  time.Time
	lastRate      map[string]time.Time
	gone          map[string]bool // gone interfaces: whether their alert went out
	lastGone      map[string]time.Time
	sendingDirect sync.WaitGroup

	// unrecorded holds the outcomes of sends the database could not take
	// (disk full, locked), by delivery id; the delivery loop owns it. The
	// next rounds record them again rather than send again.
	unrecorded map[int64]outcome
}

// outcome is what became of one try of a delivery.
type outcome struct {
	alert    string // the delivery's alert key and notifier: a delivery
	notifier int64  // deleted with its notifier may leave its id to another
	at       int64  // unix seconds
	attempts int
	done     bool // delivered, or given up (failed)
	failed   bool
	next     int64 // the next try, when not done
}

func newAlerter(s *Service) *alerter {
	a := &alerter{svc: s, log: s.log, every: alertInterval, backstop: alertBackstop,
		client: &http.Client{Timeout: deliveryTimeout},
		wakeC:  make(chan struct{}, 1), sendC: make(chan struct{}, 1),
		subs: map[chan Alert]struct{}{}, raised: map[string]bool{},
		lastRate: map[string]time.Time{}, gone: map[string]bool{}, lastGone: map[string]time.Time{},
		unrecorded: map[int64]outcome{}}
	return a
}

// start runs the evaluator and the delivery loop until stop.
func (a *alerter) start() {
	ctx, cancel := context.WithCancel(context.Background())
	a.ctx, a.cancel = ctx, cancel
	a.wg.Add(2)
	go func() {
		defer a.wg.Done()
		a.loop(ctx, a.wakeC, a.backstop)
	}()
	go func() {
		defer a.wg.Done()
		a.deliverLoop(ctx)
	}()
}

// stop ends both loops and waits for them; a delivery under way is
// abandoned and, recorded as pending, sent after the next start.
func (a *alerter) stop() {
	if a.cancel != nil {
		a.cancel()
		a.wg.Wait()
		a.sendingDirect.Wait()
	}
}

// loop evaluates now, then when kicked (by the poll job every
// alertInterval, or by a change), and when backstop passes without a round
// (polls stuck), until ctx ends. A timer every alertInterval of its own
// would wake a thread for nothing: the poll wakes one every second anyway.
func (a *alerter) loop(ctx context.Context, kick <-chan struct{}, backstop time.Duration) {
	t := time.NewTicker(backstop)
	defer t.Stop()
	var last time.Time
	for {
		if now := time.Now(); now.Sub(last) >= a.every {
			last = now
			a.evaluate(ctx, now)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-kick:
			last = time.Time{} // now, whenever the last round was
		}
	}
}

// onPoll asks for the alertInterval round; the poll job calls it on its
// own wake-up. The round runs on the evaluator's goroutine, never on the
// poll's: raising an alert writes to the database, which may be locked,
// and polls must go on meanwhile. On one P the hand-off wakes no thread.
func (a *alerter) onPoll(context.Context) { a.wake() }

// deliverLoop delivers what is due now, then sleeps until the next
// delivery is due or a new alert is raised. With nothing pending it reads
// nothing: a daemon without alerts pays no query for them.
func (a *alerter) deliverLoop(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-a.sendC:
		}
		next, ok := a.deliver(ctx, time.Now())
		t.Stop()
		if ok {
			t.Reset(max(time.Until(next), 0))
		}
	}
}

func (a *alerter) wake() { poke(a.wakeC) }

// plansChanged has the evaluator look at the plans now.
func (a *alerter) plansChanged() { a.wake() }

func (a *alerter) kickSend() { poke(a.sendC) }
func poke(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// SubscribeAlerts returns the alerts as they are raised, each once, whether
// or not any notifier takes them: a plan's threshold once per cycle (across
// restarts), rate, interface and health alerts after their cooldowns. The
// desktop shell shows them as OS notifications. Alerts are dropped for a
// subscriber that does not keep up; call the returned function to
// unsubscribe.
func (s *Service) SubscribeAlerts() (<-chan Alert, func()) {
	a := s.alerts
	ch := make(chan Alert, 16)
	a.subsMu.Lock()
	a.subs[ch] = struct{}{}
	a.subsMu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			a.subsMu.Lock()
			delete(a.subs, ch)
			a.subsMu.Unlock()
		})
	}
}

func (a *alerter) publish(al Alert) {
	a.subsMu.Lock()
	defer a.subsMu.Unlock()
	for ch := range a.subs {
		select {
		case ch <- al:
		default:
		}
	}
}

// evaluate looks at everything that can raise an alert.
func (a *alerter) evaluate(ctx context.Context, now time.Time) {
	a.checkPlans(ctx, now)
	a.checkHealth(ctx, now)
	a.checkInterfaces(ctx, now)
	a.checkRates(ctx, now)
}

// checkPlans raises each reached threshold of each plan with a cap, once
// per cycle and cap: a changed cap arms the thresholds again.
func (a *alerter) checkPlans(ctx context.Context, now time.Time) {
	plans, err := a.svc.store.Plans(ctx) // kept in memory by storage
	if err != nil {
		a.log.Warn("alerts: cannot read the plans", "err", err)
		return
	}
	for _, sp := range plans {
		if sp.CapBytes <= 0 || len(sp.Thresholds) == 0 {
			continue
		}
		p, err := a.svc.planWithUsage(ctx, sp, now)
		if err != nil {
			a.log.Warn("alerts: cannot compute a plan's usage", "plan", sp.ID, "err", err)
			continue
		}
		for _, t := range p.Usage.ThresholdsReached {
			key := fmt.Sprintf("plan:%d:%d:%d:%d", p.ID, p.Usage.CycleStart, p.CapBytes, t)
			if a.raised[key] {
				continue
			}
			al, body := planThresholdAlert(p, t, now)
			// A plan alert is only ever sent as recorded: if the
			// database cannot take it now, the next round tries again.
			a.raise(ctx, key, "plan", al, body, false)
		}
	}
}

// checkHealth raises health.degraded when /api/health would answer 503,
// and health.recovered when it no longer does.
func (a *alerter) checkHealth(ctx context.Context, now time.Time) {
	h := a.svc.Health()
	switch bad := h.Status != "ok"; {
	case bad && !a.degradedSent && now.Sub(a.lastDegraded) >= healthCooldown:
		// Also when it broke again within the cooldown and stayed
		// broken: the alert is late, not lost.
		a.degraded = true
		a.lastDegraded, a.degradedSent = now, true
		al, body := healthAlert(h, now)
		a.raise(ctx, fmt.Sprintf("health.degraded:%d", now.UnixNano()), "health", al, body, true)
	case bad:
		a.degraded = true
	case a.degraded:
		a.degraded = false
		if a.degradedSent {
			a.degradedSent = false
			al, body := healthAlert(h, now)
			a.raise(ctx, fmt.Sprintf("health.recovered:%d", now.UnixNano()), "health", al, body, true)
		}
	}
}

// checkInterfaces raises interface.gone for a monitored interface that
// left, and interface.back when it returns, as the polls see them: the
// same readings that count its traffic, so telling costs nothing more.
func (a *alerter) checkInterfaces(ctx context.Context, now time.Time) {
	monitored := a.svc.MonitoredNames()
	for name := range a.gone {
		if !slices.Contains(monitored, name) {
			delete(a.gone, name)
		}
	}
	if len(monitored) == 0 {
		return
	}
	absent := a.svc.poller.Absent(monitored)
	for _, name := range monitored {
		present := !absent[name]
		sent, wasGone := a.gone[name]
		switch {
		case !present && !sent && now.Sub(a.lastGone[name]) >= interfaceCooldown:
			// Also when it left again within the cooldown and stayed
			// away: the alert is late, not lost.
			a.gone[name] = true
			a.lastGone[name] = now
			al, body := interfaceAlert("interface.gone", name, now)
			a.raise(ctx, fmt.Sprintf("interface.gone:%s:%d", name, now.UnixNano()), "interface", al, body, true)
		case !present && !wasGone:
			a.gone[name] = false // within the cooldown: raised once it has passed
		case present && wasGone:
			delete(a.gone, name)
			if sent {
				al, body := interfaceAlert("interface.back", name, now)
				a.raise(ctx, fmt.Sprintf("interface.back:%s:%d", name, now.UnixNano()), "interface", al, body, true)
			}
		}
	}
}

// checkRates raises rate.high for a monitored interface whose every whole
// minute of the last Config.RateAlertFor received or sent at least
// Config.RateAlertBps on average, from the minute tier: one small query.
func (a *alerter) checkRates(ctx context.Context, now time.Time) {
	cfg := a.svc.cfg
	if cfg.RateAlertBps <= 0 {
		return
	}
	end := now.Truncate(time.Minute)
	d := max(cfg.RateAlertFor.Truncate(time.Minute), time.Minute)
	names := a.svc.MonitoredNames()
	if len(names) == 0 {
		return
	}
	res, err := a.svc.store.Traffic(ctx, storage.Query{Interfaces: names, Start: end.Add(-d), End: end.Add(-time.Nanosecond), Group: time.Minute})
	if err != nil {
		a.log.Warn("alerts: cannot read the rates", "err", err)
		return
	}
	minutes := int(d / time.Minute)
	for _, sd := range res.Series {
		if len(sd.Buckets) < minutes {
			continue
		}
		for _, dir := range []string{"rx", "tx"} {
			low := uint64(1<<63 - 1)
			for _, b := range sd.Buckets {
				v := b.Rx
				if dir == "tx" {
					v = b.Tx
				}
				low = min(low, v/60)
			}
			id := sd.Interface + ":" + dir
			if int64(low) < cfg.RateAlertBps || now.Sub(a.lastRate[id]) < rateCooldown {
				continue
			}
			a.lastRate[id] = now
			al, body := rateAlert(sd.Interface, dir, int64(low), cfg.RateAlertBps, d, now)
			a.raise(ctx, fmt.Sprintf("rate.high:%s:%d", id, now.Unix()), "rate", al, body, true)
		}
	}
}

// raise records the alert under key with a delivery to every notifier
// taking its group, publishes it and has it delivered. An alert already
// recorded is left alone. When the database cannot record it (it may be
// why health is degraded), an alert that is not a plan's is sent from
// memory instead, with a few tries.
func (a *alerter) raise(ctx context.Context, key, group string, al Alert, body []byte, direct bool) {
	ns, err := a.svc.store.Notifiers(ctx)
	if err != nil && !direct {
		a.log.Warn("alerts: cannot read the notifiers", "err", err)
		return
	}
	var ids []int64
	var targets []storage.Notifier
	for _, n := range ns {
		if slices.Contains(n.Events, group) {
			ids = append(ids, n.ID)
			targets = append(targets, n)
		}
	}
	isNew, err := a.svc.store.RaiseAlert(ctx, key, al.Time.Unix(), body, ids)
	if err != nil {
		a.log.Warn("alerts: cannot record an alert", "event", al.Event, "err", err)
		if !direct {
			return
		}
		a.publish(al)
		a.sendDirect(targets, body)
		return
	}
	if len(a.raised) > maxRaisedKeys {
		clear(a.raised)
	}
	a.raised[key] = true
	if !isNew {
		return
	}
	a.log.Info("alert", "event", al.Event, "message", al.Message, "notifiers", len(ids))
	a.publish(al)
	a.kickSend()
}

// sendDirect delivers an alert the database could not record, with a few
// tries, until stop.
func (a *alerter) sendDirect(targets []storage.Notifier, body []byte) {
	for _, n := range targets {
		a.sendingDirect.Add(1)
		go func() {
			defer a.sendingDirect.Done()
			wait := firstRetry
			for range 3 {
				ctx, cancel := context.WithTimeout(a.ctx, deliveryTimeout)
				err := a.send(ctx, n, body)
				cancel()
				if err == nil {
					return
				}
				select {
				case <-a.ctx.Done():
					return
				case <-time.After(wait):
				}
				wait *= 2
			}
		}()
	}
}

// deliver sends the recorded deliveries that are due and returns when
// the next one is (ok false: none pending). A database that cannot be
// read is tried again after alertInterval.
func (a *alerter) deliver(ctx context.Context, now time.Time) (next time.Time, ok bool) {
	retry := now.Add(a.every)
	ds, err := a.svc.store.PendingDeliveries(ctx)
	if err != nil {
		return retry, true
	}
	for id, o := range a.unrecorded {
		if !slices.ContainsFunc(ds, func(d storage.Delivery) bool { return o.is(d) && d.ID == id }) {
			delete(a.unrecorded, id) // recorded after all, or deleted
		}
	}
	if len(ds) == 0 {
		return time.Time{}, false
	}
	ns, err := a.svc.store.Notifiers(ctx)
	if err != nil {
		return retry, true
	}
	due := func(at int64) {
		if t := time.Unix(at, 0); !ok || t.Before(next) {
			next, ok = t, true
		}
	}
	byID := map[int64]storage.Notifier{}
	for _, n := range ns {
		byID[n.ID] = n
	}
	for _, d := range ds {
		if o, sent := a.unrecorded[d.ID]; sent {
			// Sent already: only its outcome is still to be written.
			if a.record(ctx, d.ID, o) != nil {
				due(retry.Unix())
				continue
			}
			delete(a.unrecorded, d.ID)
			if !o.done {
				due(o.next)
			}
			continue
		}
		n, known := byID[d.Notifier]
		if !known {
			continue // its notifier is being deleted with it
		}
		if d.NextTry > now.Unix() {
			due(d.NextTry)
			continue
		}
		if ctx.Err() != nil {
			return next, ok
		}
		sctx, cancel := context.WithTimeout(ctx, deliveryTimeout)
		err := a.send(sctx, n, d.Body)
		cancel()
		if ctx.Err() != nil {
			return next, ok // stopping: the delivery stays pending
		}
		o := outcome{alert: d.Alert, notifier: d.Notifier, at: time.Now().Unix(), attempts: d.Attempts + 1}
		switch {
		case err == nil:
			o.done = true
		case o.attempts >= maxDeliveryAttempts:
			a.log.Warn("alerts: giving up a delivery", "notifier", n.Name, "alert", d.Alert, "attempts", o.attempts)
			o.done, o.failed = true, true
		default:
			o.next = o.at + int64(min(firstRetry<<(o.attempts-1), maxRetry)/time.Second)
		}
		if a.record(ctx, d.ID, o) != nil {
			a.unrecorded[d.ID] = o
			due(retry.Unix())
		} else if !o.done {
			due(o.next)
		}
	}
	return next, ok
}

// is reports whether o is the outcome of d.
func (o outcome) is(d storage.Delivery) bool { return o.alert == d.Alert && o.notifier == d.Notifier }

// record writes a delivery's outcome.
func (a *alerter) record(ctx context.Context, id int64, o outcome) error {
	var err error
	if o.done {
		err = a.svc.store.DeliveryDone(ctx, id, o.at, o.failed)
	} else {
		err = a.svc.store.DeliveryRetry(ctx, id, o.attempts, o.next)
	}
	if err != nil {
		a.log.Warn("alerts: cannot record a delivery", "err", err)
	}
	return err
}

// send delivers body to n and records the outcome on the notifier. Errors
// and logs name the notifier, never its URL.
func (a *alerter) send(ctx context.Context, n storage.Notifier, body []byte) error {
	err := notify.Send(ctx, a.client, n.URL, messageOf(body))
	if err != nil && errors.Is(ctx.Err(), context.Canceled) {
		return err // stopping: not the receiver's fault
	}
	msg := ""
	if err != nil {
		msg = err.Error()
		a.log.Warn("alerts: delivery failed", "notifier", n.Name, "err", msg)
	} else {
		a.log.Info("alerts: delivered", "notifier", n.Name)
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if rerr := a.svc.store.NotifierResult(rctx, n.ID, time.Now().Unix(), msg); rerr != nil {
		a.log.Warn("alerts: cannot record a delivery", "err", rerr)
	}
	return err
}
