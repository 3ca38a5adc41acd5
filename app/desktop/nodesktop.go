//go:build !desktop

package desktop

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"

	"github.com/netpulse/netpulse/app"
)

// Build reports whether this binary has the desktop window and tray.
const Build = false

// Run is not available in the headless build.
func Run(context.Context, *app.Service, app.Config, fs.FS, *slog.Logger) error {
	return errors.New("this is the headless build: it has no window or tray; run with --headless or use the desktop build")
}

// RunWindow is not available in the headless build.
func RunWindow(context.Context, string, bool, fs.FS, *slog.Logger) error {
	return errors.New("this is the headless build: it has no window")
}

// FocusRunningInstance reports false: the headless build has no window.
func FocusRunningInstance(app.Config) bool { return false }
