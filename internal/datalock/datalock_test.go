package datalock

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestOneHolderAtATime(t *testing.T) {
	dir := t.TempDir()
	a, err := Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := Acquire(dir); !errors.Is(err, ErrHeld) {
		if b != nil {
			b.Release()
		}
		t.Fatalf("second Acquire: %v, want ErrHeld", err)
	} else if !strings.Contains(err.Error(), dir) {
		t.Errorf("error %q does not name the folder", err)
	}
	if err := a.Release(); err != nil {
		t.Fatal(err)
	}
	b, err := Acquire(dir)
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	b.Release()
}

// The lock is the system's: another process is refused while this one
// holds it, and gets it once this one's is gone (as after a crash).
func TestAnotherProcess(t *testing.T) {
	if os.Getenv("DATALOCK_CHILD") != "" {
		l, err := Acquire(os.Getenv("DATALOCK_CHILD"))
		if errors.Is(err, ErrHeld) {
			os.Exit(3)
		}
		if err != nil {
			os.Exit(4)
		}
		l.Release()
		os.Exit(0)
	}
	dir := t.TempDir()
	child := func() int {
		cmd := exec.Command(os.Args[0], "-test.run=^TestAnotherProcess$")
		cmd.Env = append(os.Environ(), "DATALOCK_CHILD="+dir)
		err := cmd.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	}
	l, err := Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	if code := child(); code != 3 {
		t.Errorf("another process while held: exit %d, want 3 (held)", code)
	}
	l.Release()
	if code := child(); code != 0 {
		t.Errorf("another process after release: exit %d, want 0", code)
	}
}
