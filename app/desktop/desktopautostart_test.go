package desktop

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The Settings switch's bindings write the XDG autostart entry for the
// running executable and read the real state back.
func TestStartAtLoginBinding(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	entry := filepath.Join(cfg, "autostart", "io.github.netpulse.NetPulse.desktop")
	d := newDesktop(context.Background(), nil)

	steps := []struct {
		name      string
		set       *bool
		want      bool
		wantEntry bool
	}{
		{"off at first", nil, false, false},
		{"switch on", ptr(true), true, true},
		{"read on", nil, true, true},
		{"switch on again", ptr(true), true, true},
		{"switch off", ptr(false), false, false},
		{"read off", nil, false, false},
	}
	for _, s := range steps {
		var got bool
		var err error
		if s.set != nil {
			got, err = d.SetStartAtLogin(*s.set)
		} else {
			got, err = d.StartAtLogin()
		}
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got != s.want {
			t.Errorf("%s: state %v, want %v", s.name, got, s.want)
		}
		b, err := os.ReadFile(entry)
		if exists := err == nil; exists != s.wantEntry {
			t.Fatalf("%s: entry exists %v, want %v", s.name, exists, s.wantEntry)
		}
		if s.wantEntry {
			exe, _ := os.Executable()
			if !strings.Contains(string(b), "Exec="+exe+" --hidden\n") {
				t.Errorf("%s: entry does not start this executable hidden:\n%s", s.name, b)
			}
			if v, err := exec.LookPath("desktop-file-validate"); err == nil {
				if out, err := exec.Command(v, entry).CombinedOutput(); err != nil || len(out) > 0 {
					t.Errorf("%s: desktop-file-validate: %v\n%s", s.name, err, out)
				}
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }

// The window process writes the entry for the resident, whose path the
// resident gives it: a login must start the tray, not a bare window.
func TestStartAtLoginStartsTheResident(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	d := newDesktop(context.Background(), nil)
	d.residentExe = "/opt/net pulse/netpulse-desktop"
	if on, err := d.SetStartAtLogin(true); err != nil || !on {
		t.Fatalf("SetStartAtLogin(true) = %v, %v", on, err)
	}
	b, err := os.ReadFile(filepath.Join(cfg, "autostart", "io.github.netpulse.NetPulse.desktop"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "Exec=\"/opt/net pulse/netpulse-desktop\" --hidden\n") {
		t.Errorf("the entry does not start the resident:\n%s", b)
	}
}
