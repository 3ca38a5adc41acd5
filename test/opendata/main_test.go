// Package opendata runs the real netpulse binary to check what it records
// beyond bytes, packets, errors and drops, against the kernel's counters,
// and what it imports from a database the real vnstatd wrote.
package opendata

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/netpulse/netpulse/test/harness"
)

var bin string

func TestMain(m *testing.M) {
	os.Exit(harness.Main(m, &bin))
}

// run runs a command and returns its combined output and exit status.
func run(t *testing.T, env []string, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		}
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return string(out), 0
}

// must runs a command that has to succeed.
func must(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	out, code := run(t, env, name, args...)
	if code != 0 {
		t.Fatalf("%s %s: exit %d:\n%s", name, strings.Join(args, " "), code, out)
	}
	return out
}

// fileHash is the SHA-256 of a file, "absent" when there is none.
func fileHash(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "absent"
	}
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}
