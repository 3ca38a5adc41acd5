//go:build desktop && !production

package desktop

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
)

// windowCapable reports whether this binary carries the window (Wails and
// the browser engine). The Linux resident is built without it, so that the
// browser engine's libraries are not even loaded while the window is closed;
// it starts netpulse-desktop-window instead.
const windowCapable = false

// RunWindow is not available in the resident-only build.
func RunWindow(context.Context, string, bool, fs.FS, *slog.Logger) error {
	return errors.New("this binary has no window; its window is " + windowHelper)
}
