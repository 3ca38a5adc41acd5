// Package trayicons holds the desktop build's icons: the window icon and the
// pre-rendered tray icons, one per pair of download/upload levels and
// alert state. A fixed set keeps Windows from piling up
// temp files (systray writes every distinct icon to %TEMP% and caches its
// handle forever) and keeps the D-Bus IconPixmap small on Linux.
package trayicons

//go:generate go run ./gen -root ../..

import (
	_ "embed"
	"fmt"
)

//go:embed app.png
var app []byte

// App returns the 256 px application icon (PNG), for the window on Linux.
func App() []byte { return app }

// Levels is the number of steps per direction; level 0 means idle.
const Levels = 5

// Icon returns the tray icon for the given download and upload levels in the
// format the platform's tray takes (.ico on Windows, PNG elsewhere). Levels
// out of range are clamped.
func Icon(down, up int) []byte { return read(down, up, "") }

// AlertIcon is Icon in the alert state: a data plan has passed its first
// threshold. Amber tracks and a dot set it apart; the levels still show.
func AlertIcon(down, up int) []byte { return read(down, up, "-alert") }

func read(down, up int, variant string) []byte {
	b, err := files.ReadFile(fmt.Sprintf("%s/tray-%d%d%s.%s", format, clamp(down), clamp(up), variant, format))
	if err != nil {
		panic(err) // the set is embedded at build time; a miss is a build bug
	}
	return b
}

func clamp(l int) int {
	return max(0, min(l, Levels-1))
}
