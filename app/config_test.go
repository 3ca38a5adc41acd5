package app

import (
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParseConfig(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(Config) bool
		wantErr string
	}{
		{name: "defaults", args: []string{"--data-dir", "/d"},
			check: func(c Config) bool {
				return c.Listen == "127.0.0.1:8080" && c.Interval == time.Second && c.FlushInterval == 5*time.Minute && !c.Headless
			}},
		{name: "environment", env: map[string]string{"NETPULSE_LISTEN": "0.0.0.0:9000", "NETPULSE_DATA_DIR": "/data",
			"NETPULSE_INTERVAL": "5s", "NETPULSE_HEADLESS": "true", "NETPULSE_PASSWORD": "pw"},
			check: func(c Config) bool {
				return c.Listen == "0.0.0.0:9000" && c.DataDir == "/data" && c.Interval == 5*time.Second && c.Headless && c.Password == "pw"
			}},
		{name: "flags win over environment", args: []string{"--interval", "2s", "--listen", "[::1]:7000"},
			env:   map[string]string{"NETPULSE_INTERVAL": "5s", "NETPULSE_DATA_DIR": "/d"},
			check: func(c Config) bool { return c.Interval == 2*time.Second && c.Listen == "[::1]:7000" }},
		{name: "interval in seconds", args: []string{"--interval", "10", "--data-dir", "/d"},
			check: func(c Config) bool { return c.Interval == 10*time.Second }},
		{name: "interval too short", args: []string{"--interval", "500ms"}, wantErr: "--interval"},
		{name: "interval too long", args: []string{"--interval", "61s"}, wantErr: "1s to 1m"},
		{name: "interval not a duration", args: []string{"--interval", "fast"}, wantErr: "--interval"},
		{name: "bad interval from environment", env: map[string]string{"NETPULSE_INTERVAL": "0"}, wantErr: "NETPULSE_INTERVAL:"},
		{name: "bad interval from a flag over the environment", args: []string{"--interval", "0"}, env: map[string]string{"NETPULSE_INTERVAL": "5s"}, wantErr: "--interval:"},
		{name: "bad listen from environment", env: map[string]string{"NETPULSE_LISTEN": "0.0.0.0"}, wantErr: "NETPULSE_LISTEN:"},
		{name: "bad rate duration without a rate", env: map[string]string{"NETPULSE_RATE_ALERT_FOR": "banana"}, wantErr: "NETPULSE_RATE_ALERT_FOR"},
		{name: "listen without port", args: []string{"--listen", "127.0.0.1"}, wantErr: "--listen"},
		{name: "listen port out of range", args: []string{"--listen", "127.0.0.1:70000"}, wantErr: "--listen"},
		{name: "listen host name", args: []string{"--listen", "example.com:80"}, wantErr: "--listen"},
		{name: "bad boolean", env: map[string]string{"NETPULSE_HEADLESS": "maybe"}, wantErr: "NETPULSE_HEADLESS"},
		{name: "allowed hosts", args: []string{"--data-dir", "/d"}, env: map[string]string{"NETPULSE_ALLOWED_HOSTS": " NetPulse.example.com., nas.example.org"},
			check: func(c Config) bool {
				return slices.Equal(c.AllowedHosts, []string{"netpulse.example.com", "nas.example.org"})
			}},
		{name: "no allowed hosts", args: []string{"--data-dir", "/d"}, check: func(c Config) bool { return c.AllowedHosts == nil }},
		{name: "allowed host with a scheme", args: []string{"--allowed-hosts", "https://netpulse.example.com"}, wantErr: "--allowed-hosts"},
		{name: "allowed host with a port", args: []string{"--allowed-hosts", "netpulse.example.com:443"}, wantErr: "without scheme or port"},
		{name: "an allowed host with a wildcard", args: []string{"--allowed-hosts", "*.example.com"}, wantErr: "write .example.com"},
		{name: "an empty allowed host", args: []string{"--allowed-hosts", "a.example,,b.example"}, wantErr: "--allowed-hosts"},
		{name: "unknown flag", args: []string{"--colour"}, wantErr: "colour"},
		{name: "stray argument", args: []string{"serve"}, wantErr: "unexpected argument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env == nil {
				tc.env = map[string]string{}
			}
			cfg, err := ParseConfig(tc.args, env(tc.env), io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("want an error mentioning %q, got %v", tc.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(cfg) {
				t.Errorf("unexpected config %+v", cfg)
			}
		})
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"90s": 90 * time.Second, "15m": 15 * time.Minute, "24h": 24 * time.Hour, "7d": 7 * 24 * time.Hour,
		"365d": 365 * 24 * time.Hour, "3600": time.Hour, "0": 0, "1h30m": 90 * time.Minute,
	} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for in, want := range map[string]string{"": "empty", "-5s": "", "-1": "", "1.5d": "whole number of days", "d": "", "7 d": "",
		"abc": "", "99999999999999999999": "", "36601d": "out of range", "1000000d": "out of range",
		"99999999999999999999d": "out of range", "9223372036854775807ns0h": ""} {
		if got, err := ParseDuration(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseDuration(%q) = %v, %v; want an error saying %q", in, got, err, want)
		}
	}
}

func TestParseTrafficRequest(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	ok := []TrafficRequest{
		{Window: "24h", Group: "1m"},
		{Window: "7d", Group: "1h", TZ: "Europe/Berlin"},
		{Window: "365d", Group: "1d"},
		{Window: "10000", Group: "1", End: "2026-06-01T10:04:05Z"},
		{Window: "10000", Group: "1m", End: "2026-01-02T15:04:05Z"},
		{Window: "24h", Group: "30s"}, // the whole one-second history
		{Window: "1h", Group: "10s", End: "2026-05-31T13:00:00Z"},
		// 12 hours stepped back once by a client a second behind: its
		// start is 24 hours and a second ago.
		{Window: "12h", Group: "30s", End: "2026-05-31T23:59:59Z"},
	}
	for _, req := range ok {
		if _, err := ParseTrafficRequest(req, time.Second, now); err != nil {
			t.Errorf("%+v: %v", req, err)
		}
	}
	for name, req := range map[string]TrafficRequest{
		"missing window":       {Group: "1m"},
		"zero window":          {Window: "0", Group: "1m"},
		"negative window":      {Window: "-1h", Group: "1m"},
		"zero group":           {Window: "1h", Group: "0"},
		"group below interval": {Window: "1h", Group: "500ms"},
		"fractional group":     {Window: "1h", Group: "1500ms"},
		"too many buckets":     {Window: "30d", Group: "1m"},
		"huge window":          {Window: "100000d", Group: "1d"},
		"bad end":              {Window: "1h", Group: "1m", End: "yesterday"},
		"bad tz":               {Window: "1h", Group: "1m", TZ: "Mars/Olympus"},
		"Local is not a zone":  {Window: "1h", Group: "1m", TZ: "Local"},
		// Groups that are not whole minutes come from the one-second
		// history alone, which reaches back 24 hours.
		"seconds before the one-second history": {Window: "1h", Group: "10s", End: "2026-05-31T12:30:00Z"},
		"seconds over more than a day":          {Window: "25h", Group: "30s"},
		"90 s over two days":                    {Window: "48h", Group: "90s"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseTrafficRequest(req, time.Second, now)
			if re, ok := err.(*RequestError); !ok || re.Status != 400 {
				t.Errorf("want a 400 RequestError, got %v", err)
			}
		})
	}
}

// TestBadFlagIsOneLine: a bad flag gives only its error (main prints it on
// one line); --help gives the list of flags.
func TestBadFlagIsOneLine(t *testing.T) {
	for _, tc := range []struct {
		args      []string
		wantUsage bool
	}{
		{[]string{"--bogus"}, false},
		{[]string{"--interval"}, false},
		{[]string{"--help"}, true},
	} {
		var usage strings.Builder
		_, err := ParseConfig(tc.args, env(map[string]string{}), &usage)
		if err == nil {
			t.Errorf("%v: no error", tc.args)
		}
		if got := strings.Contains(usage.String(), "-listen"); got != tc.wantUsage {
			t.Errorf("%v: wrote %q, want the list of flags: %v", tc.args, usage.String(), tc.wantUsage)
		}
	}
}

// TestDefaultDataFolder: without --data-dir or NETPULSE_DATA_DIR the
// database goes in the per-user folder the README names.
func TestDefaultDataFolder(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("the XDG folders are Linux's and the BSDs'")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"XDG_DATA_HOME", map[string]string{"XDG_DATA_HOME": "/srv/xdg"}, "/srv/xdg/netpulse"},
		{"the home folder", map[string]string{}, filepath.Join(home, ".local", "share", "netpulse")},
		{"NETPULSE_DATA_DIR wins", map[string]string{"XDG_DATA_HOME": "/srv/xdg", "NETPULSE_DATA_DIR": "/data"}, "/data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := ParseConfig(nil, env(tc.env), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.DataDir != tc.want {
				t.Errorf("data folder %q, want %q", cfg.DataDir, tc.want)
			}
		})
	}
}
