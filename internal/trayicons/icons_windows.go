package trayicons

import "embed"

// format is the image format of the embedded set: systray on Windows loads
// icons with LoadImage(IMAGE_ICON).
const format = "ico"

//go:embed ico/*.ico
var files embed.FS
