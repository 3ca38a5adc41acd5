//go:build !desktop

package app

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
)

// DesktopBuild reports whether this binary has the desktop window and tray.
const DesktopBuild = false

// RunDesktop is not available in the headless build.
func RunDesktop(context.Context, *Service, Config, fs.FS) error {
	return errors.New("this is the headless build: it has no window or tray; run with --headless or use the desktop build")
}

// RunWindow is not available in the headless build.
func RunWindow(context.Context, string, fs.FS, *slog.Logger) error {
	return errors.New("this is the headless build: it has no window")
}

// FocusRunningInstance reports false: the headless build has no window.
func FocusRunningInstance(Config) bool { return false }
