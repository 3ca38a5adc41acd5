package collector

import (
	"net"

	"unsafe"

	"golang.org/x/sys/windows"
)

// DefaultRouteInterface returns the name of the interface with the
// lowest-metric IPv4 or IPv6 default route, from the IP Helper API.
func DefaultRouteInterface(Paths) string {
	best, bestMetric := uint32(0), uint32(1<<32-1)
	for _, family := range []uint16{windows.AF_INET, windows.AF_INET6} {
		var table *windows.MibIpForwardTable2
		if err := windows.GetIpForwardTable2(family, &table); err != nil {
			continue
		}
		for _, r := range table.Rows() {
			if r.DestinationPrefix.PrefixLength != 0 {
				continue
			}
			if r.Metric < bestMetric {
				best, bestMetric = r.InterfaceIndex, r.Metric
			}
		}
		windows.FreeMibTable(unsafe.Pointer(table))
	}
	if best == 0 {
		return ""
	}
	if ifi, err := net.InterfaceByIndex(int(best)); err == nil {
		return ifi.Name
	}
	return ""
}
