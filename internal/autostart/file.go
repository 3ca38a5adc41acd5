//go:build linux || darwin

package autostart

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Autostart is the login entry of one executable, kept as one file.
type Autostart struct {
	exe  string
	path string
	text func(exe string) string
}

// Enabled reports whether the entry exists. A desktop entry that a settings
// tool switched off counts as off: Hidden=true (the XDG autostart way) or
// X-GNOME-Autostart-enabled=false (GNOME Tweaks').
func (a *Autostart) Enabled() (bool, error) {
	b, err := os.ReadFile(a.path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read login entry: %w", err)
	}
	return !switchedOff(string(b)), nil
}

// switchedOff reads the [Desktop Entry] group of a desktop entry.
func switchedOff(entry string) bool {
	group := ""
	for line := range strings.Lines(entry) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			group = line
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok || group != "[Desktop Entry]" {
			continue
		}
		switch strings.TrimSpace(key) {
		case "Hidden":
			if strings.TrimSpace(value) == "true" {
				return true
			}
		case "X-GNOME-Autostart-enabled":
			if strings.TrimSpace(value) == "false" {
				return true
			}
		}
	}
	return false
}

// Enable writes the entry, replacing one that names another path.
func (a *Autostart) Enable() error {
	if err := os.MkdirAll(filepath.Dir(a.path), 0o755); err != nil {
		return fmt.Errorf("create login entry folder: %w", err)
	}
	tmp := a.path + ".tmp"
	if err := os.WriteFile(tmp, []byte(a.text(a.exe)), 0o644); err != nil {
		return fmt.Errorf("write login entry: %w", err)
	}
	if err := os.Rename(tmp, a.path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write login entry: %w", err)
	}
	return nil
}

// Disable removes the entry; no entry is not an error.
func (a *Autostart) Disable() error {
	if err := os.Remove(a.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove login entry: %w", err)
	}
	return nil
}

// Path is the entry's file.
func (a *Autostart) Path() string { return a.path }
