// Package reliability drives the real netpulse binary through faults (kills
// in the middle of a flush, a full disk, a locked, read-only or deleted
// database, wall-clock steps, interface churn) on veth pairs it creates,
// and checks after each that the recorded totals still equal the kernel's
// counters to the byte and that the database is sound. Most tests need
// root; see RELIABILITY.md for what they do and how to run them.
package reliability

import (
	"os"
	"strconv"
	"testing"

	"github.com/netpulse/netpulse/test/reliability/harness"
)

var bin string

func TestMain(m *testing.M) { os.Exit(harness.Main(m, &bin)) }

// envInt reads a positive number from the environment, or def.
func envInt(t *testing.T, key string, def int) int {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive number", key, v)
	}
	return n
}

const mb = 1 << 20
