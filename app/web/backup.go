package web

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/netpulse/netpulse/storage"
)

// backupWriteTime bounds how long a backup download may take.
const backupWriteTime = 10 * time.Minute

// backupName is the download's file name: the date and time it was taken,
// and whether the notifiers were left out.
func backupName(t time.Time, withoutNotifiers bool) string {
	name := "netpulse-" + t.Format("2006-01-02-150405")
	if withoutNotifiers {
		name += "-without-notifiers"
	}
	return name + ".db"
}

// backup streams a snapshot of the database as an attachment; the
// snapshot file is deleted once sent. One at a time: each is a full copy of
// the database, on disk until its download ends (a slow one may take
// minutes), so many at once could fill the disk the recording needs.
func (h *handler) backup(w http.ResponseWriter, r *http.Request) {
	select {
	case h.backups <- struct{}{}:
		defer func() { <-h.backups }()
	default:
		w.Header().Set("Retry-After", "10")
		WriteError(w, http.StatusServiceUnavailable, "another backup is being made or downloaded; try again when it has finished")
		return
	}
	path, leftOut, err := h.svc.Backup(r.Context())
	if err != nil {
		h.respond(w, r, nil, err)
		return
	}
	if leftOut > 0 {
		h.log.Info("backup sent without the notifiers, whose URLs hold secrets: Net-Pulse listens beyond this machine without a password",
			"notifiers", leftOut)
	}
	f, err := os.Open(path)
	if err != nil {
		storage.RemoveBackup(path)
		h.respond(w, r, nil, fmt.Errorf("read backup: %w", err))
		return
	}
	// The copy goes before the answer ends: removed now, the open file is
	// still read to the end (Unix); where an open file cannot be removed
	// (Windows), it goes once closed.
	storage.RemoveBackup(path)
	defer func() {
		f.Close()
		storage.RemoveBackup(path)
	}()
	st, err := f.Stat()
	if err != nil {
		h.respond(w, r, nil, fmt.Errorf("read backup: %w", err))
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/vnd.sqlite3")
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": backupName(time.Now(), leftOut > 0)}))
	hd.Set("Content-Length", strconv.FormatInt(st.Size(), 10))
	hd.Set("Cache-Control", "no-store")
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(backupWriteTime))
	if _, err := io.Copy(w, f); err != nil {
		h.log.Debug("backup download ended early", "err", err)
	}
}
