package autostart

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The entry is written where the autostart specification says, read back as
// on, validated by desktop-file-validate when it is installed, and removed.
func TestLinuxEnableDisable(t *testing.T) {
	tests := []struct {
		name string
		exe  string
	}{
		{"installed binary", "/usr/bin/netpulse-desktop"},
		{"path with spaces", "/opt/Net Pulse/netpulse-desktop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := t.TempDir()
			t.Setenv("XDG_CONFIG_HOME", cfg)
			a, err := New(tt.exe)
			if err != nil {
				t.Fatal(err)
			}
			want := filepath.Join(cfg, "autostart", ID+".desktop")
			if a.Path() != want {
				t.Fatalf("path %s, want %s", a.Path(), want)
			}
			assertEnabled(t, a, false)
			if err := a.Enable(); err != nil {
				t.Fatal(err)
			}
			assertEnabled(t, a, true)
			if v, err := exec.LookPath("desktop-file-validate"); err == nil {
				if out, err := exec.Command(v, a.Path()).CombinedOutput(); err != nil || len(out) > 0 {
					t.Errorf("desktop-file-validate: %v\n%s", err, out)
				}
			} else {
				t.Log("desktop-file-validate not installed: entry not validated")
			}
			if err := a.Disable(); err != nil {
				t.Fatal(err)
			}
			assertEnabled(t, a, false)
			if _, err := os.Stat(a.Path()); !os.IsNotExist(err) {
				t.Errorf("entry still there after Disable: %v", err)
			}
			if err := a.Disable(); err != nil {
				t.Errorf("second Disable: %v", err)
			}
		})
	}
}

// TestLinuxSwitchedOffEntry: an entry that a settings tool switched off
// reads as off, the way the desktop's own session reads it.
func TestLinuxSwitchedOffEntry(t *testing.T) {
	for _, tc := range []struct {
		name, tail string
		on         bool
	}{
		{"as written", "", true},
		{"Hidden=true", "Hidden=true\n", false},
		{"GNOME Tweaks", "X-GNOME-Autostart-enabled = false\n", false},
		{"Hidden=false", "Hidden=false\n", true},
		{"in another group", "[Desktop Action quit]\nHidden=true\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("XDG_CONFIG_HOME", t.TempDir())
			a, err := New("/usr/bin/netpulse-desktop")
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Enable(); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(a.Path())
			// The entry ends with X-GNOME-Autostart-enabled=true: a tool
			// switching it off rewrites that line.
			text := strings.Replace(string(b), "X-GNOME-Autostart-enabled=true\n", "", 1) + tc.tail
			if err := os.WriteFile(a.Path(), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			assertEnabled(t, a, tc.on)
		})
	}
}

func TestLinuxRelativeConfigHomeIgnored(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "relative/dir")
	a, err := New("/usr/bin/netpulse-desktop")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(home, ".config", "autostart", ID+".desktop"); a.Path() != want {
		t.Errorf("path %s, want %s", a.Path(), want)
	}
}
