package app

import (
	"os"
	"testing"
	"time"
)

// TestCloseLeavesNothingOpen: a service that polled the real counters
// (over rtnetlink, or from net/dev) and was closed leaves no file or
// socket open, and a poll that a request starts after Close opens none.
func TestCloseLeavesNothingOpen(t *testing.T) {
	open := func() int {
		t.Helper()
		fds, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Fatal(err)
		}
		return len(fds)
	}
	run := func(cfg Config) {
		t.Helper()
		cfg.DataDir, cfg.Interval, cfg.FlushInterval = t.TempDir(), time.Second, time.Hour
		svc, err := New(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetMonitoredInterfaces(t.Context(), []string{"lo"}); err != nil {
			t.Fatal(err)
		}
		svc.poller.Poll(t.Context())
		if err := svc.Close(); err != nil {
			t.Fatal(err)
		}
		svc.poller.Poll(t.Context()) // a request's poll after Close opens nothing
	}
	tests := []struct {
		name string
		cfg  Config
	}{
		{"this namespace", Config{}},               // the rtnetlink socket
		{"host procfs", Config{HostProc: "/proc"}}, // net/dev of /proc/1, kept open
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run(tt.cfg) // the runtime's own descriptors (epoll) open once
			before := open()
			for range 3 {
				run(tt.cfg)
			}
			if after := open(); after != before {
				t.Errorf("%d descriptors open after three services were closed, %d before", after, before)
			}
		})
	}
}
