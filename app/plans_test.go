package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/netpulse/netpulse/storage"
)

// newService runs the real service on dir, logging at debug level so that
// every log call runs, into nothing.
func newService(t *testing.T, dir string, cfg Config) *Service {
	t.Helper()
	cfg.DataDir, cfg.Interval, cfg.FlushInterval, cfg.Version = dir, time.Second, time.Hour, "test"
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	svc, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	return svc
}

// seed records traffic of the named interfaces and flushes it, so they
// are known; the records are returned.
func seed(t *testing.T, svc *Service, recs ...storage.Record) {
	t.Helper()
	svc.store.Add(recs...)
	if err := svc.store.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestPlanUsageEqualsTraffic is the property: for random traffic (flushed
// and pending) and random plans in zones with DST and :30/:45 offsets,
// every cycle's used_bytes equals the sum of the Traffic points over that
// cycle for the plan's interfaces and direction, to the byte.
func TestPlanUsageEqualsTraffic(t *testing.T) {
	svc := newService(t, t.TempDir(), Config{})
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(19, uint64(time.Now().UnixNano())))
	names := []string{"np19a", "np19b", "np19c"}
	now := time.Now()
	var recs []storage.Record
	for range 6000 {
		// Mostly the last days, some up to 40 days back.
		back := time.Duration(rng.Int64N(3*86400)) * time.Second
		if rng.IntN(4) == 0 {
			back = time.Duration(rng.Int64N(40*86400)) * time.Second
		}
		recs = append(recs, storage.Record{Interface: names[rng.IntN(3)], Time: now.Add(-back),
			RxBytes: rng.Uint64N(1 << 32), TxBytes: rng.Uint64N(1 << 28)})
	}
	seed(t, svc, recs[:5000]...)
	svc.store.Add(recs[5000:]...) // left pending
	zones := []string{"UTC", "Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Australia/Eucla", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham"}
	for i := range 30 {
		p := Plan{Name: fmt.Sprint("p", i), Interfaces: names[:1+rng.IntN(3)], Direction: []string{"rx", "tx", "both"}[rng.IntN(3)],
			CapBytes: rng.Int64N(1 << 40), Period: []string{"month", "week", "day"}[rng.IntN(3)],
			ResetHour: rng.IntN(24), TZ: zones[rng.IntN(len(zones))]}
		p.ResetDay = 1 + rng.IntN(31)
		if p.Period == "week" {
			p.ResetDay = 1 + rng.IntN(7)
		}
		saved, err := svc.CreatePlan(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		cycles, err := svc.PlanCycles(ctx, saved.ID, 3)
		if err != nil || len(cycles) != 3 {
			t.Fatalf("cycles: %v %v", err, cycles)
		}
		if cycles[2].CycleStart != saved.Usage.CycleStart || cycles[2].UsedBytes < saved.Usage.UsedBytes {
			t.Errorf("%+v: the last cycle %+v is not the plan's current one %+v", p, cycles[2], *saved.Usage)
		}
		for _, c := range cycles {
			want := trafficSum(t, svc, saved, c.CycleStart, c.CycleEnd)
			if c.UsedBytes != want {
				t.Errorf("%+v cycle [%d, %d): used_bytes %d, Traffic sums to %d", p, c.CycleStart, c.CycleEnd, c.UsedBytes, want)
			}
		}
	}
}

// trafficSum adds up the Traffic points of p's interfaces and direction
// over [start, end), asked in quarter hours.
func trafficSum(t *testing.T, svc *Service, p Plan, start, end int64) int64 {
	t.Helper()
	tr, err := svc.Traffic(context.Background(), TrafficRequest{Window: fmt.Sprint(end - start), Group: "900",
		End: time.Unix(end, 0).UTC().Format(time.RFC3339), Interfaces: p.Interfaces})
	if err != nil {
		t.Fatalf("traffic: %v", err)
	}
	if tr.Start != start {
		t.Fatalf("traffic starts %d, the cycle %d", tr.Start, start)
	}
	var sum int64
	for _, s := range tr.Series {
		for _, pt := range s.Points {
			switch p.Direction {
			case "rx":
				sum += pt.RxBytes
			case "tx":
				sum += pt.TxBytes
			default:
				sum += pt.RxBytes + pt.TxBytes
			}
		}
	}
	return sum
}

// TestUsageProjection checks the projection and the cap's moment on a
// fixed clock: a day's cycle, 1,100 bytes by 06:00.
// A cap reached in the quarter hour still under way is reached by now;
// once that quarter hour has passed, at its end, as for any other.
func TestCapReachedInTheCurrentQuarterHour(t *testing.T) {
	svc := newService(t, t.TempDir(), Config{})
	day := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -3)
	seed(t, svc, storage.Record{Interface: "np19q", Time: day.Add(6*time.Hour + 53*time.Minute), RxBytes: 1000})
	p := storage.Plan{ID: 1, Interfaces: []string{"np19q"}, Direction: "both", Period: "day", TZ: "UTC", CapBytes: 1000}
	for _, tc := range []struct {
		name string
		now  time.Time
		want time.Time
	}{
		{"within that quarter hour", day.Add(6*time.Hour + 56*time.Minute), day.Add(6*time.Hour + 56*time.Minute)},
		{"later in it", day.Add(6*time.Hour + 59*time.Minute), day.Add(6*time.Hour + 59*time.Minute)},
		{"after it", day.Add(7*time.Hour + 5*time.Minute), day.Add(7 * time.Hour)},
		{"long after it", day.Add(12 * time.Hour), day.Add(7 * time.Hour)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := svc.usage(context.Background(), p, tc.now)
			if err != nil {
				t.Fatal(err)
			}
			if u.CapReachedAt == nil {
				t.Fatalf("cap_reached_at null, want %s", tc.want.Format(time.TimeOnly))
			}
			if got := time.Unix(*u.CapReachedAt, 0).UTC(); !got.Equal(tc.want) {
				t.Errorf("cap_reached_at %s, want %s", got.Format(time.TimeOnly), tc.want.Format(time.TimeOnly))
			}
		})
	}
}

func TestUsageProjection(t *testing.T) {
	svc := newService(t, t.TempDir(), Config{})
	day := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -3)
	seed(t, svc,
		storage.Record{Interface: "np19u", Time: day.Add(70 * time.Minute), RxBytes: 600},
		storage.Record{Interface: "np19u", Time: day.Add(320 * time.Minute), RxBytes: 400, TxBytes: 100})
	now := day.Add(6 * time.Hour)
	p := storage.Plan{ID: 1, Interfaces: []string{"np19u"}, Direction: "both", Period: "day", TZ: "UTC", Thresholds: []int{50, 100, 200}}
	for _, tc := range []struct {
		name      string
		cap       int64
		percent   float64
		reached   []int
		capAt     int64 // 0: null
		projected int64
	}{
		// Reached at 05:20: the end of that quarter hour.
		{"cap passed", 1000, 110, []int{50, 100}, day.Add(330 * time.Minute).Unix(), 4400},
		// 900 bytes to go at 1,100 per 6 hours: 17,673 s later.
		{"cap ahead", 2000, 55, []int{50}, now.Unix() + 17673, 4400},
		{"cap beyond the cycle", 10000, 11, []int{}, 0, 4400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p.CapBytes = tc.cap
			u, err := svc.usage(context.Background(), p, now)
			if err != nil {
				t.Fatal(err)
			}
			var capAt int64
			if u.CapReachedAt != nil {
				capAt = *u.CapReachedAt
			}
			if u.UsedBytes != 1100 || u.RxBytes != 1000 || u.TxBytes != 100 || *u.Percent != tc.percent ||
				u.ProjectedBytes != tc.projected || capAt != tc.capAt || fmt.Sprint(u.ThresholdsReached) != fmt.Sprint(tc.reached) ||
				u.CycleStart != day.Unix() || u.CycleEnd != day.Add(24*time.Hour).Unix() {
				t.Errorf("usage %+v percent %v cap_reached_at %d, want %+v", u, *u.Percent, capAt, tc)
			}
		})
	}
}
