// Package integration runs the real netpulse binary against real kernel
// counters on veth pairs it creates, and checks that what Net-Pulse records
// equals what the kernel counted, to the byte. It changes this machine
// (network namespaces, veth pairs), so it runs only with
// NETPULSE_SYSTEM_TESTS=1, as `make go-test` sets it, and as root.
package integration

import (
	"fmt"
	"os"
	"testing"

	"github.com/netpulse/netpulse/internal/testnet"
	"github.com/netpulse/netpulse/test/harness"
)

var bin string

func TestMain(m *testing.M) {
	if err := testnet.ForTests(); err != nil {
		fmt.Println("integration tests skipped:", err)
		os.Exit(m.Run())
	}
	os.Exit(harness.Main(m, &bin))
}

const mb = 1 << 20
