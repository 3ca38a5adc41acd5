// Package autostart starts the desktop app when the user logs in: an XDG
// autostart entry on Linux, the current user's Run key on Windows and a
// LaunchAgent on macOS. Each entry starts the app hidden in the tray.
//
// The text of each entry is built by a pure function, so every platform's
// output is tested on any platform; the files named for an OS only write it.
package autostart

import (
	"fmt"
	"strings"
)

// ID names the app to the OS: the desktop entry, the LaunchAgent label and
// the AppStream id. The Windows installer writes the Run value under Name.
const (
	ID   = "io.github.netpulse.NetPulse"
	Name = "Net-Pulse"
)

// HiddenFlag is what the entry passes to the app so it starts in the tray.
const HiddenFlag = "--hidden"

// desktopEntry is the XDG autostart file for exe (freedesktop Desktop Entry
// specification 1.5; the Exec quoting rules are in its section "The Exec key").
func desktopEntry(exe string) string {
	return "[Desktop Entry]\n" +
		"Type=Application\n" +
		"Name=" + Name + "\n" +
		"Comment=Network traffic monitor in the tray\n" +
		"Exec=" + execQuote(exe) + " " + HiddenFlag + "\n" +
		"Icon=" + ID + "\n" +
		"Terminal=false\n" +
		"X-GNOME-Autostart-enabled=true\n"
}

// execQuote quotes an argument for a desktop entry's Exec key: inside double
// quotes, ", `, $ and \ are escaped with a backslash, and the backslash
// itself is doubled again because the whole value is a string value.
func execQuote(arg string) string {
	if arg != "" && !strings.ContainsAny(arg, " \t\n\"'\\><~|&;$*?#()`=%") {
		return arg
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range arg {
		switch r {
		case '"', '`', '$':
			b.WriteString(`\\`)
		case '\\':
			b.WriteString(`\\\\`) // \\ inside the quotes, each escaped again
			continue
		case '%':
			b.WriteRune('%') // a literal % is written %%
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// runValue is the data of the Run key's value: the quoted path, then the flag.
func runValue(exe string) string {
	return `"` + exe + `" ` + HiddenFlag
}

// launchAgent is the LaunchAgent property list that starts exe at login.
func launchAgent(exe string) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>%s</string>
	<key>ProgramArguments</key>
	<array>
		<string>%s</string>
		<string>%s</string>
	</array>
	<key>RunAtLoad</key>
	<true/>
	<key>ProcessType</key>
	<string>Interactive</string>
</dict>
</plist>
`, ID, xmlEscape(exe), HiddenFlag)
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}
