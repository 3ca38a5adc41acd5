package autostart

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestDesktopEntryExec(t *testing.T) {
	tests := []struct {
		name, exe, want string
	}{
		{"plain path", "/usr/bin/netpulse-desktop", "Exec=/usr/bin/netpulse-desktop --hidden\n"},
		{"space", "/opt/Net Pulse/netpulse-desktop", `Exec="/opt/Net Pulse/netpulse-desktop" --hidden` + "\n"},
		{"dollar and quote", `/home/a/$x"y/app`, `Exec="/home/a/\\$x\\"y/app" --hidden` + "\n"},
		{"backslash", `/home/a\b/app`, `Exec="/home/a\\\\b/app" --hidden` + "\n"},
		{"percent", "/home/100%/app", `Exec="/home/100%%/app" --hidden` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := desktopEntry(tt.exe)
			if !strings.HasPrefix(got, "[Desktop Entry]\nType=Application\n") {
				t.Errorf("entry does not start with its group and type:\n%s", got)
			}
			if !strings.Contains(got, "\n"+tt.want) {
				t.Errorf("entry has no line %q:\n%s", tt.want, got)
			}
		})
	}
}

func TestRunValue(t *testing.T) {
	tests := []struct {
		name, exe, want string
	}{
		{"per-user install", `C:\Users\ana\AppData\Local\Programs\Net-Pulse\netpulse-desktop.exe`,
			`"C:\Users\ana\AppData\Local\Programs\Net-Pulse\netpulse-desktop.exe" --hidden`},
		{"no spaces still quoted", `C:\np\np.exe`, `"C:\np\np.exe" --hidden`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := runValue(tt.exe); got != tt.want {
				t.Errorf("runValue(%q) = %q, want %q", tt.exe, got, tt.want)
			}
		})
	}
}

// plist is the part of a property list the LaunchAgent needs, read back
// with a real XML parser so escaping mistakes show.
type plist struct {
	Dict struct {
		Items []struct {
			XMLName xml.Name
			Value   string   `xml:",chardata"`
			Strings []string `xml:"string"`
		} `xml:",any"`
	} `xml:"dict"`
}

func TestLaunchAgent(t *testing.T) {
	tests := []struct {
		name, exe string
	}{
		{"app bundle", "/Applications/Net-Pulse.app/Contents/MacOS/netpulse-desktop"},
		{"markup in path", "/Users/a&b/<x>/Net-Pulse.app/Contents/MacOS/netpulse-desktop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := launchAgent(tt.exe)
			var p plist
			if err := xml.Unmarshal([]byte(text), &p); err != nil {
				t.Fatalf("not XML: %v\n%s", err, text)
			}
			got := map[string][]string{}
			key := ""
			for _, it := range p.Dict.Items {
				switch it.XMLName.Local {
				case "key":
					key = it.Value
				case "array":
					got[key] = it.Strings
				default:
					got[key] = []string{it.XMLName.Local + ":" + strings.TrimSpace(it.Value)}
				}
			}
			want := map[string][]string{
				"Label":            {"string:" + ID},
				"ProgramArguments": {tt.exe, HiddenFlag},
				"RunAtLoad":        {"true:"},
				"ProcessType":      {"string:Interactive"},
			}
			for k, w := range want {
				if strings.Join(got[k], "|") != strings.Join(w, "|") {
					t.Errorf("%s = %q, want %q", k, got[k], w)
				}
			}
		})
	}
}
