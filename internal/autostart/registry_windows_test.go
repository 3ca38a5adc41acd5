package autostart

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/windows/registry"
)

// The real Run key, under a value name of the test's own, so a developer's
// own login entry is never touched.
func TestWindowsRunKey(t *testing.T) {
	exe := `C:\Users\test\AppData\Local\Programs\Net-Pulse\netpulse-desktop.exe`
	a := &Autostart{exe: exe, name: fmt.Sprintf("Net-Pulse-test-%d", os.Getpid())}
	t.Cleanup(func() { a.Disable() })

	assertEnabled(t, a, false)
	if err := a.Enable(); err != nil {
		t.Fatal(err)
	}
	assertEnabled(t, a, true)
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := k.GetStringValue(a.name)
	k.Close()
	if err != nil || got != runValue(exe) {
		t.Errorf("Run value %q (%v), want %q", got, err, runValue(exe))
	}
	if err := a.Disable(); err != nil {
		t.Fatal(err)
	}
	assertEnabled(t, a, false)
	if err := a.Disable(); err != nil {
		t.Errorf("second Disable: %v", err)
	}
}
