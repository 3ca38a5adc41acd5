//go:build desktop && darwin

package app

// FocusRunningInstance always reports false on macOS: Wails' own lock checks
// before OnStartup, that is before the tray starts, and hands over to the
// running instance there.
func FocusRunningInstance() bool { return false }
