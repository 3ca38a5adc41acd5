package desktop

import "runtime"

// HasDisplay reports whether a desktop session is there to show a window
// in. On Linux and the BSDs that means an X11 or Wayland display; macOS and
// Windows always have one for a logged-in user. main asks once, before
// choosing between the window and HTTP.
func HasDisplay(getenv func(string) string) bool {
	switch runtime.GOOS {
	case "darwin", "windows":
		return true
	}
	return getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
}
