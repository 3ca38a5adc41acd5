//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// What a user adds to the daemon at its defaults: data plans, notifiers
// and a Prometheus scraping /metrics. Each costs CPU while nothing
// happens, so the budgets are measured with them as well as without.
var (
	plans     = flag.Int("plans", 0, "data plans to create on the monitored interfaces, each with a cap and thresholds")
	notifiers = flag.Int("notifiers", 0, "notifiers to create (a JSON webhook, then ntfy through Shoutrrr), both to a local sink")
	scrape    = flag.Duration("scrape", 0, "scrape /metrics this often, as Prometheus would (0: never)")
)

// Features is what the daemon was given besides its defaults.
type Features struct {
	Plans       int     `json:"plans"`
	Notifiers   int     `json:"notifiers"`
	ScrapeEvery float64 `json:"scrape_every_s"`
	Scrapes     int64   `json:"scrapes"`
	scrapes     atomic.Int64
}

// addFeatures creates the plans and notifiers the flags ask for and starts
// the scraper, which runs until ctx ends.
func addFeatures(ctx context.Context, addr string, ifaces []string) (*Features, error) {
	f := &Features{Plans: *plans, Notifiers: *notifiers, ScrapeEvery: scrape.Seconds()}
	periods := []map[string]any{
		{"period": "month", "reset_day": 15},
		{"period": "week", "reset_day": 1},
		{"period": "day"},
	}
	for i := range *plans {
		p := map[string]any{"name": fmt.Sprintf("plan %d", i+1), "interfaces": []string{ifaces[i%len(ifaces)]},
			"direction": "both", "cap_bytes": int64(1) << 40, "thresholds": []int{50, 80, 100}}
		for k, v := range periods[i%len(periods)] {
			p[k] = v
		}
		if err := post(addr, "/api/plans", p); err != nil {
			return nil, err
		}
	}
	if *notifiers > 0 {
		sink, err := startSink(ctx)
		if err != nil {
			return nil, err
		}
		urls := []string{"http://" + sink + "/hook", "ntfy://" + sink + "/netpulse?scheme=http"}
		for i := range *notifiers {
			n := map[string]any{"name": fmt.Sprintf("notifier %d", i+1), "url": urls[i%len(urls)],
				"events": []string{"plan", "rate", "interface", "health"}}
			if err := post(addr, "/api/notifiers", n); err != nil {
				return nil, err
			}
		}
	}
	if *scrape > 0 {
		go func() {
			t := time.NewTicker(*scrape)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
				if resp, err := http.Get("http://" + addr + "/metrics"); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					f.scrapes.Add(1)
				}
			}
		}()
	}
	return f, nil
}

// startSink accepts whatever notifiers send, on loopback.
func startSink(ctx context.Context) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	})}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	return ln.Addr().String(), nil
}

func post(addr, path string, v any) error {
	body, _ := json.Marshal(v)
	resp, err := http.Post("http://"+addr+path, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("POST %s: %s: %s", path, resp.Status, msg)
	}
	return nil
}
