//go:build linux || darwin || windows

package autostart

import "testing"

func assertEnabled(t *testing.T, a *Autostart, want bool) {
	t.Helper()
	got, err := a.Enabled()
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Enabled() = %v, want %v", got, want)
	}
}
