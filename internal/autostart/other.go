//go:build !linux && !darwin && !windows

package autostart

import "errors"

// Autostart is not available on this OS.
type Autostart struct{}

// New says this OS has no login entry this package knows how to write.
func New(string) (*Autostart, error) {
	return nil, errors.New("start at login is not supported on this system")
}

func (*Autostart) Enabled() (bool, error) { return false, nil }
func (*Autostart) Enable() error          { return errors.New("start at login is not supported on this system") }
func (*Autostart) Disable() error         { return nil }
func (*Autostart) Path() string           { return "" }
