package collector

import (
	"os"
	"path/filepath"
)

// DefaultRouteInterface returns the name of the interface that carries the
// default route (IPv4 first, then IPv6), or "" when there is none. It reads
// the main routing table from procfs; policy routing is not visible there.
func DefaultRouteInterface(p Paths) string {
	if b, err := os.ReadFile(filepath.Join(p.NetProc, "net", "route")); err == nil {
		if name := ParseRouteIPv4(b); name != "" {
			return name
		}
	}
	if b, err := os.ReadFile(filepath.Join(p.NetProc, "net", "ipv6_route")); err == nil {
		return ParseRouteIPv6(b)
	}
	return ""
}
