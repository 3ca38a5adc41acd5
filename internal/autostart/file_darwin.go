package autostart

import (
	"fmt"
	"os"
	"path/filepath"
)

// New is the LaunchAgent in ~/Library/LaunchAgents that starts exe hidden;
// launchd reads it at the next login.
func New(exe string) (*Autostart, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, fmt.Errorf("login entry: %w", err)
	}
	return &Autostart{exe: exe, path: filepath.Join(home, "Library", "LaunchAgents", ID+".plist"), text: launchAgent}, nil
}
