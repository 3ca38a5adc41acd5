package autostart

import (
	"fmt"
	"os"
	"path/filepath"
)

// New is the XDG autostart entry ($XDG_CONFIG_HOME/autostart, else
// ~/.config/autostart) that starts exe hidden.
func New(exe string) (*Autostart, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(dir) { // the specification says to ignore a relative one
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, fmt.Errorf("login entry: %w", err)
		}
		dir = filepath.Join(home, ".config")
	}
	return &Autostart{exe: exe, path: filepath.Join(dir, "autostart", ID+".desktop"), text: desktopEntry}, nil
}
