// Package reliability drives the real netpulse binary through faults (kills
// in the middle of a flush, a full disk, a locked, read-only or deleted
// database, wall-clock steps, interface churn) on veth pairs it creates,
// and checks after each that the recorded totals still equal the kernel's
// counters to the byte and that the database is sound. Most tests need
// root; see RELIABILITY.md for what they do and how to run them.
package reliability

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/netpulse/netpulse/internal/testnet"
	"github.com/netpulse/netpulse/test/harness"
)

var bin string

// The suite steps the wall clock, mounts file systems and creates veth
// pairs: it runs only when asked (NETPULSE_SYSTEM_TESTS=1, as make
// reliability-faults sets it), and then builds netpulse once for all.
func TestMain(m *testing.M) {
	if !testnet.SystemTests() {
		fmt.Println("reliability tests skipped: they change this machine; set " + testnet.SystemTestsVar + "=1 (make reliability-faults does)")
		os.Exit(m.Run())
	}
	os.Exit(harness.Main(m, &bin))
}

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
