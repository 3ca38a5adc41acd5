package autostart

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// runKey is where Windows looks for programs to start at the user's login.
const runKey = `Software\Microsoft\Windows\CurrentVersion\Run`

// Autostart is the current user's Run value for one executable. The
// installer's "start at login" option writes the same value.
type Autostart struct {
	exe  string
	name string // the value's name: Name, another in tests
}

// New is the Run value that starts exe hidden.
func New(exe string) (*Autostart, error) { return &Autostart{exe: exe, name: Name}, nil }

// Enabled reports whether the Run value exists.
func (a *Autostart) Enabled() (bool, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("open Run key: %w", err)
	}
	defer k.Close()
	_, _, err = k.GetStringValue(a.name)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read Run value: %w", err)
	}
	return true, nil
}

// Enable writes the Run value.
func (a *Autostart) Enable() error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf("open Run key: %w", err)
	}
	defer k.Close()
	if err := k.SetStringValue(a.name, runValue(a.exe)); err != nil {
		return fmt.Errorf("write Run value: %w", err)
	}
	return nil
}

// Disable removes the Run value; no value is not an error.
func (a *Autostart) Disable() error {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open Run key: %w", err)
	}
	defer k.Close()
	if err := k.DeleteValue(a.name); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf("remove Run value: %w", err)
	}
	return nil
}

// Path names the value, for messages.
func (a *Autostart) Path() string { return `HKCU\` + runKey + `\` + a.name }
