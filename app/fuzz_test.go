package app

import (
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netpulse/netpulse/storage"
)

// The fuzz targets below feed outside input (query parameters, durations,
// flags and environment, settings, JSON bodies) to the parsers and to the
// real HTTP handler. None may panic, and what they accept must be within
// the limits the API promises. Seed corpora: testdata/fuzz/<name>.

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"90s", "15m", "24h", "7d", "365d", "3600", "1.5d", "-1s", "9223372036854775807", "36600d", "1h30m", "0", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		if d < 0 || d > maxDuration {
			t.Fatalf("%q parsed to %v, outside [0, %v]", s, d, maxDuration)
		}
		if again, err := ParseDuration(d.String()); err != nil || again != d {
			t.Fatalf("%q -> %v, which parses back to %v, %v", s, d, again, err)
		}
	})
}

func FuzzParseTrafficRequest(f *testing.F) {
	f.Add("1h", "1m", "", "", "eth0", uint8(1))
	f.Add("365d", "1d", "2026-03-29T12:00:00+02:00", "Europe/Berlin", "", uint8(1))
	f.Add("10000", "1", "2026-01-01T00:00:00Z", "UTC", "lo", uint8(1))
	f.Add("7d", "15m", "0001-01-01T00:00:00Z", "Pacific/Chatham", "wlan0", uint8(60))
	f.Add("36600d", "3660d", "9999-12-31T23:59:59Z", "America/St_Johns", "", uint8(5))
	f.Fuzz(func(t *testing.T, window, group, end, tz, iface string, interval uint8) {
		poll := time.Duration(max(interval, 1)) * time.Second
		req := TrafficRequest{Window: window, Group: group, End: end, TZ: tz, Interfaces: []string{iface, iface}}
		q, err := ParseTrafficRequest(req, poll, time.Unix(1_800_000_000, 0))
		if err != nil {
			if _, ok := err.(*RequestError); !ok {
				t.Fatalf("error of type %T, not a RequestError: %v", err, err)
			}
			return
		}
		if !q.Start.Before(q.End) || q.Group < poll || q.Group%time.Second != 0 || q.Location == nil {
			t.Fatalf("accepted %+v: start %v end %v group %v", req, q.Start, q.End, q.Group)
		}
		if len(q.Interfaces) != 1 {
			t.Fatalf("interfaces %q not de-duplicated", q.Interfaces)
		}
		// The answer's size is bounded: a series never has more buckets
		// than the API allows, whatever the zone's calendar does.
		if n := len(storage.BucketStarts(q)) - 1; n > maxBuckets+2 {
			t.Fatalf("accepted %+v: %d buckets", req, n)
		}
	})
}

func FuzzParseConfig(f *testing.F) {
	f.Add("--headless\x00--listen\x00127.0.0.1:8080\x00--interval\x005s", "", "", "", "")
	f.Add("--interval=61s", "1s", "1m", "0.0.0.0:80", "true")
	f.Add("--flush-interval\x001h\x00--data-dir\x00/tmp/x", "", "30s", "[::1]:0", "")
	f.Add("--listen\x00localhost:65536", "1.5s", "", "", "yes")
	f.Add("extra", "", "", "host.example:1", "")
	f.Fuzz(func(t *testing.T, args, interval, flush, listen, headless string) {
		env := map[string]string{"NETPULSE_INTERVAL": interval, "NETPULSE_FLUSH_INTERVAL": flush,
			"NETPULSE_LISTEN": listen, "NETPULSE_HEADLESS": headless, "NETPULSE_DATA_DIR": "/tmp/netpulse-fuzz"}
		var argv []string
		if args != "" {
			argv = strings.Split(args, "\x00")
		}
		cfg, err := ParseConfig(argv, func(k string) string { return env[k] }, io.Discard)
		if err != nil {
			return
		}
		if cfg.Interval < minInterval || cfg.Interval > maxInterval || cfg.Interval%time.Second != 0 {
			t.Fatalf("accepted interval %v", cfg.Interval)
		}
		if cfg.FlushInterval < minFlushInterval || cfg.FlushInterval > maxFlushInterval || cfg.FlushInterval%time.Second != 0 {
			t.Fatalf("accepted flush interval %v", cfg.FlushInterval)
		}
		if err := checkListen(cfg.Listen); err != nil || cfg.DataDir == "" {
			t.Fatalf("accepted listen %q (%v), data dir %q", cfg.Listen, err, cfg.DataDir)
		}
	})
}

// settingValues is the settings contract of the API (design.md), written
// out here rather than taken from the code under test.
var settingValues = map[string][]string{
	"rate_unit":   {"bits", "bytes"},
	"unit_prefix": {"si", "iec"},
	"theme":       {"system", "light", "dark"},
	"language":    {"auto", "en", "de", "zh"},

	"desktop_notifications": {"on", "off"},
	"record_containers":     {"on", "off"},
}

func FuzzValidateSettings(f *testing.F) {
	f.Add("theme", "dark", "rate_unit", "bytes")
	f.Add("unit_prefix", "IEC", "", "")
	f.Add("theme", "dark\x00", "colour", "red")
	f.Add("record_containers", "off", "", "")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		patch := map[string]string{k1: v1, k2: v2}
		if k2 == "" {
			delete(patch, k2)
		}
		err := ValidateSettings(patch)
		valid := len(patch) > 0
		for k, v := range patch {
			valid = valid && slices.Contains(settingValues[k], v)
		}
		if valid != (err == nil) {
			t.Fatalf("%q: error %v, but the contract says valid=%v", patch, err, valid)
		}
	})
}
