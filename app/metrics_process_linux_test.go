package app

import (
	"bytes"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/netpulse/netpulse/internal/promtext"
)

// TestProcessMetricsAreFresh checks that the kept descriptors give fresh
// figures at each scrape: a file opened between two scrapes is counted,
// and the resident size is statm's.
func TestProcessMetricsAreFresh(t *testing.T) {
	p := newProcSelf()
	read := func() map[string]float64 {
		t.Helper()
		var b promtext.Buffer
		p.write(&b, time.Now())
		m := map[string]float64{}
		for _, line := range bytes.Split(b.Bytes(), []byte("\n")) {
			if f := bytes.Fields(line); len(f) == 2 && line[0] != '#' {
				v, err := strconv.ParseFloat(string(f[1]), 64)
				if err != nil {
					t.Fatalf("%s: %v", line, err)
				}
				m[string(f[0])] = v
			}
		}
		return m
	}
	for range 2 {
		entries, err := os.ReadDir("/proc/self/fd") // counts its own descriptor too
		if err != nil {
			t.Fatal(err)
		}
		if got := read()["process_open_fds"]; got != float64(len(entries)-1) {
			t.Errorf("process_open_fds = %v, /proc/self/fd lists %d besides its reader's", got, len(entries)-1)
		}
		statm, err := os.ReadFile("/proc/self/statm")
		if err != nil {
			t.Fatal(err)
		}
		pages, _ := strconv.ParseFloat(string(bytes.Fields(statm)[1]), 64)
		// The test allocates between the two readings; a few pages apart.
		if got, want := read()["process_resident_memory_bytes"], pages*float64(os.Getpagesize()); got < want*0.9 || got > want*1.1 {
			t.Errorf("process_resident_memory_bytes = %v, statm says %v", got, want)
		}
		f, err := os.Open(os.DevNull) // the next round must see it
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
	}
	p.close() // as Service.Close does: the descriptors go, scrapes go on
	m := read()
	if _, ok := m["process_open_fds"]; ok {
		t.Errorf("after close, process_open_fds is still served: %v", m)
	}
	if _, ok := m["process_start_time_seconds"]; !ok {
		t.Errorf("after close, the start time is gone: %v", m)
	}
}
