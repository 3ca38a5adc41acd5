package metrics

import (
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netpulse/netpulse/test/harness"
)

func TestBackupWhileRecording(t *testing.T) {
	harness.NeedSystem(t)
	p := harness.QuietPair(t, "np16c")
	a := harness.Start(t, bin, harness.Options{DataDir: t.TempDir(), Password: "np16 secret", Flush: "3s"})
	harness.Baseline(t, a, p)
	harness.Send(t, p, 4<<20, 1<<20)
	stop := sync.OnceFunc(harness.Stream(t, p, 2<<20))
	defer stop()
	time.Sleep(4 * time.Second) // a flush or two while the stream goes on

	taken := time.Now()
	code, body, err := a.Request("GET", "/api/backup", "", nil)
	if err != nil || code != 200 {
		t.Fatalf("GET /api/backup: %d %v: %.200s", code, err, body)
	}
	time.Sleep(2 * time.Second) // and more recorded after the backup
	stop()

	dir := t.TempDir()
	path := filepath.Join(dir, "netpulse.db")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	if res, err := harness.Integrity(path); err != nil || res != "ok" {
		t.Fatalf("integrity_check of the backup: %q %v", res, err)
	}
	entries, _ := os.ReadDir(a.Opts.DataDir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".netpulse-backup-") {
			t.Errorf("snapshot %s left in the data folder", e.Name())
		}
	}

	// A server started on the backup shows the same history up to the
	// minute the backup was taken in. (It then counts the traffic since as
	// a gap after the backup's last poll, like any restart.)
	b := harness.Start(t, bin, harness.Options{DataDir: dir})
	end := taken.Truncate(time.Minute).UTC().Format(time.RFC3339)
	for _, q := range []string{"window=1h&group=1m", "window=10m&group=1s"} {
		q += "&end=" + url.QueryEscape(end) + "&interface=" + p.Host
		var want, got harness.Traffic
		a.GetJSON("/api/traffic?"+q, &want)
		b.GetJSON("/api/traffic?"+q, &got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the restored server answers\n%+v\nthe original\n%+v", q, got, want)
		}
	}
	// And everything recorded before the request is in it.
	var mon struct{ Interfaces []string }
	b.GetJSON("/api/config/monitored_interfaces", &mon)
	if !reflect.DeepEqual(mon.Interfaces, []string{p.Host}) {
		t.Errorf("restored monitored interfaces %v, want [%s]", mon.Interfaces, p.Host)
	}
}
