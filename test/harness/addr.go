package harness

import (
	"net"
	"testing"
)

// FreeAddr returns a loopback address nobody listens on, for a server the
// test starts and must find again at the same address after a restart.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
