package app

import "context"

// Backup writes a consistent snapshot of the database, everything recorded
// up to now included, to a file in the data folder and returns its path.
// The caller removes it with storage.RemoveBackup.
func (s *Service) Backup(ctx context.Context) (string, error) {
	return s.store.Backup(ctx)
}
