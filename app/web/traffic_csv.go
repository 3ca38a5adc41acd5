package web

import (
	"bytes"
	"encoding/csv"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/netpulse/netpulse/app"
)

// trafficCSVHeader names the columns of a traffic answer as CSV.
var trafficCSVHeader = []string{"time", "interface", "rx_bytes", "tx_bytes", "rx_peak_bps", "tx_peak_bps",
	"rx_packets", "tx_packets", "rx_errors", "tx_errors", "rx_drops", "tx_drops"}

// trafficFormat checks the format parameter of a traffic request and
// reports whether it asks for CSV.
func trafficFormat(v string) (csv bool, err error) {
	switch v {
	case "", "json":
		return false, nil
	case "csv":
		return true, nil
	}
	return false, badRequest("format: %q is neither json nor csv", v)
}

// appendTrafficCSV appends t as CSV: a row per point, series after series,
// times in RFC 3339 in loc.
func appendTrafficCSV(b []byte, t app.Traffic, loc *time.Location) []byte {
	buf := bytes.NewBuffer(b)
	w := csv.NewWriter(buf)
	w.Write(trafficCSVHeader)
	row := make([]string, len(trafficCSVHeader))
	for _, s := range t.Series {
		for _, p := range s.Points {
			row[0] = time.Unix(p.T, 0).In(loc).Format(time.RFC3339)
			row[1] = s.Interface
			for i, v := range []int64{p.RxBytes, p.TxBytes, p.RxPeakBps, p.TxPeakBps,
				p.RxPackets, p.TxPackets, p.RxErrors, p.TxErrors, p.RxDrops, p.TxDrops} {
				row[2+i] = strconv.FormatInt(v, 10)
			}
			w.Write(row)
		}
	}
	w.Flush() // writes into memory: no error to see
	return buf.Bytes()
}

// trafficCSV returns t as CSV and a file name for it, named for its time
// span.
func trafficCSV(t app.Traffic, tz string) (body []byte, name string) {
	loc := time.Local
	if tz != "" {
		// The request was answered, so the zone loads.
		if l, err := time.LoadLocation(tz); err == nil {
			loc = l
		}
	}
	return appendTrafficCSV(nil, t, loc), "netpulse-traffic-" + time.Unix(t.Start, 0).In(loc).Format("20060102T1504") + "-" +
		time.Unix(t.End, 0).In(loc).Format("20060102T1504") + ".csv"
}

// writeCSV sends body as a CSV attachment called name.
func writeCSV(w http.ResponseWriter, body []byte, name string) {
	hd := w.Header()
	hd.Set("Content-Type", "text/csv; charset=utf-8")
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}
