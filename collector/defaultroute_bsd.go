//go:build darwin || freebsd || netbsd || openbsd

package collector

import (
	"net"
	"syscall"

	"golang.org/x/net/route"
)

// DefaultRouteInterface returns the name of the interface that carries the
// IPv4 default route, read from the routing socket (no external programs).
func DefaultRouteInterface(Paths) string {
	rib, err := route.FetchRIB(syscall.AF_INET, route.RIBTypeRoute, 0)
	if err != nil {
		return ""
	}
	msgs, err := route.ParseRIB(route.RIBTypeRoute, rib)
	if err != nil {
		return ""
	}
	for _, m := range msgs {
		rm, ok := m.(*route.RouteMessage)
		if !ok || rm.Flags&syscall.RTF_UP == 0 || rm.Flags&syscall.RTF_GATEWAY == 0 || rm.Flags&rtfIfscope != 0 {
			continue
		}
		if len(rm.Addrs) <= syscall.RTAX_DST {
			continue
		}
		dst, ok := rm.Addrs[syscall.RTAX_DST].(*route.Inet4Addr)
		if !ok || dst.IP != [4]byte{} {
			continue
		}
		if ifi, err := net.InterfaceByIndex(rm.Index); err == nil {
			return ifi.Name
		}
	}
	return ""
}
