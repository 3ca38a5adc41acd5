package app

import (
	"os"
	"runtime"
)

// HasDisplay reports whether a desktop session is there to show a window
// in. On Linux and the BSDs that means an X11 or Wayland display; macOS and
// Windows always have one for a logged-in user.
func HasDisplay() bool {
	switch runtime.GOOS {
	case "darwin", "windows":
		return true
	}
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}
