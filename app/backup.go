package app

import (
	"context"

	"github.com/netpulse/netpulse/storage"
)

// Backup writes a consistent snapshot of the database, everything recorded
// up to now included, to a file in the data folder and returns its path.
// The caller removes it with storage.RemoveBackup.
//
// While the server listens beyond loopback without a password, where it
// does not manage notifiers either (CheckNotifierWrites), the snapshot
// leaves the notifiers out: their URLs hold secrets that the API never
// shows, and anyone who reaches the server could download it. leftOut
// says how many it left out.
func (s *Service) Backup(ctx context.Context) (path string, leftOut int, err error) {
	opt := storage.BackupOptions{WithoutNotifiers: s.CheckNotifierWrites() != nil}
	return s.store.Backup(ctx, opt)
}
