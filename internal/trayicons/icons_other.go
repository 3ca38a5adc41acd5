//go:build !windows

package trayicons

import "embed"

// format is the image format of the embedded set: systray decodes PNG into the
// D-Bus IconPixmap on Linux and hands it to NSImage on macOS.
const format = "png"

//go:embed png/*.png
var files embed.FS
