package autostart

import (
	"os"
	"path/filepath"
	"testing"
)

// The LaunchAgent is written to ~/Library/LaunchAgents and removed again.
func TestDarwinLaunchAgentFile(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	exe := "/Applications/Net-Pulse.app/Contents/MacOS/netpulse-desktop"
	a, err := New(exe)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(home, "Library", "LaunchAgents", ID+".plist"); a.Path() != want {
		t.Fatalf("path %s, want %s", a.Path(), want)
	}
	if err := a.Enable(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(a.Path())
	if err != nil || string(b) != launchAgent(exe) {
		t.Errorf("file holds %q (%v), want the LaunchAgent", b, err)
	}
	assertEnabled(t, a, true)
	if err := a.Disable(); err != nil {
		t.Fatal(err)
	}
	assertEnabled(t, a, false)
}
