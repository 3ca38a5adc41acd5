package web

import (
	"encoding/csv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netpulse/netpulse/storage"
)

// TestTrafficCSVRowsSumToJSONTotals asks the same query as JSON and as CSV
// and checks that the CSV has a row per point whose columns add up to the
// JSON totals, with times in the asked zone.
func TestTrafficCSVRowsSumToJSONTotals(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	var recs []storage.Record
	for i := range 90 {
		for _, name := range []string{"np16a", "np16b,x"} {
			recs = append(recs, storage.Record{Interface: name, Time: now.Add(-time.Duration(i) * time.Minute),
				RxBytes: uint64(1000 + i), TxBytes: uint64(7 * i), RxPackets: uint64(i), TxPackets: 2,
				RxPeak: uint64(2000 + i), RxErrors: uint64(i % 3), TxDrops: uint64(i % 2)})
		}
	}
	seedStore(t, dir, recs...)
	_, srv := newTestServerIn(t, testPassword, dir)
	query := "/api/traffic?window=3h&group=15m&tz=Asia/Kolkata&interface=np16a&interface=np16b,x"
	_, js := call{method: "GET", path: query}.do(t, srv)

	req, _ := http.NewRequest("GET", srv.URL+query+"&format=csv", nil)
	req.SetBasicAuth("", testPassword)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment; filename=netpulse-traffic-") {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s %q %q: %s", resp.Status, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"), b)
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "time,interface,rx_bytes,tx_bytes,rx_peak_bps,tx_peak_bps,rx_packets,tx_packets,rx_errors,tx_errors,rx_drops,tx_drops" {
		t.Fatalf("header %s", got)
	}
	sums := map[string]int64{}
	ifaces := map[string]bool{}
	for _, r := range rows[1:] {
		ts, err := time.Parse(time.RFC3339, r[0])
		if err != nil || !strings.HasSuffix(r[0], "+05:30") || ts.Unix()%900 != 0 {
			t.Errorf("time %q: %v, want RFC 3339 in +05:30 on a 15-minute edge", r[0], err)
		}
		ifaces[r[1]] = true
		for i, col := range rows[0][2:] {
			v, err := strconv.ParseInt(r[2+i], 10, 64)
			if err != nil {
				t.Fatalf("%s %q: %v", col, r[2+i], err)
			}
			sums[col] += v
		}
	}
	points := 0
	for _, s := range js["series"].([]any) {
		points += len(s.(map[string]any)["points"].([]any))
	}
	if len(rows)-1 != points || len(ifaces) != 2 {
		t.Errorf("%d rows for %d points, interfaces %v", len(rows)-1, points, ifaces)
	}
	for _, col := range []string{"rx_bytes", "tx_bytes", "rx_packets", "tx_packets", "rx_errors", "tx_errors", "rx_drops", "tx_drops"} {
		if want := int64(js[col].(float64)); sums[col] != want || want == 0 && col != "tx_errors" && col != "rx_drops" {
			t.Errorf("%s: CSV sums to %d, JSON total %d", col, sums[col], want)
		}
	}
}

func TestTrafficFormatRefusesUnknown(t *testing.T) {
	_, srv := newTestServer(t, testPassword)
	for _, f := range []string{"xml", "CSV", ""} {
		resp, body := call{method: "GET", path: "/api/traffic?window=1h&group=1m&format=" + f}.do(t, srv)
		if f == "" {
			if resp.StatusCode != 200 {
				t.Errorf("format=: %d", resp.StatusCode)
			}
			continue
		}
		if resp.StatusCode != 400 || !strings.Contains(body["error"].(string), "format") {
			t.Errorf("format=%s: %d %v", f, resp.StatusCode, body)
		}
	}
}
