package app

import (
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netpulse/netpulse/internal/datalock"
)

// A second daemon on a data folder is refused before it opens the
// database (it would count every byte again); once the first has stopped,
// the folder is free.
func TestSecondServiceOnTheFolderIsRefused(t *testing.T) {
	fresh := t.TempDir() // no database yet: the first creates it
	first := newService(t, fresh, Config{})
	cfg := first.cfg
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db := filepath.Join(fresh, "netpulse.db")
	before, err := os.Stat(db)
	if err != nil {
		t.Fatal(err)
	}
	second, err := New(cfg, log)
	if err == nil {
		second.Close()
		t.Fatal("a second service started on the folder")
	}
	if !errors.Is(err, datalock.ErrHeld) || !strings.Contains(err.Error(), fresh) {
		t.Errorf("error %q, want one saying another Net-Pulse runs on %s", err, fresh)
	}
	if after, err := os.Stat(db); err != nil || !after.ModTime().Equal(before.ModTime()) || after.Size() != before.Size() {
		t.Errorf("the refused service touched the database: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	cfg.FlushInterval = time.Hour
	again, err := New(cfg, log)
	if err != nil {
		t.Fatalf("after the first stopped: %v", err)
	}
	again.Close()
}
