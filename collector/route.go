package collector

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
)

// Route flags from linux/route.h and linux/ipv6_route.h.
const (
	rtfUp     = 0x0001
	rtfReject = 0x0200
)

// ParseRouteIPv4 returns the interface of the IPv4 default route in the text
// of Linux /proc/net/route (tab-separated, one header line, hex fields), or ""
// when there is none. Among several default routes the lowest metric wins.
func ParseRouteIPv4(data []byte) string {
	best, bestMetric := "", uint64(1<<63)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for first := true; sc.Scan(); first = false {
		f := strings.Fields(sc.Text())
		if first || len(f) < 8 {
			continue
		}
		// Columns: Iface Destination Gateway Flags RefCnt Use Metric Mask ...
		if f[1] != "00000000" || f[7] != "00000000" {
			continue
		}
		flags, err := strconv.ParseUint(f[3], 16, 32)
		if err != nil || flags&rtfUp == 0 {
			continue
		}
		metric, err := strconv.ParseUint(f[6], 10, 32)
		if err != nil {
			continue
		}
		if metric < bestMetric {
			best, bestMetric = f[0], metric
		}
	}
	return best
}

// ParseRouteIPv6 returns the interface of the IPv6 default route in the text
// of Linux /proc/net/ipv6_route (space-separated, no header), or "". Reject
// routes (the kernel's "unreachable" entries on lo) are skipped.
func ParseRouteIPv6(data []byte) string {
	best, bestMetric := "", uint64(1<<63)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		// dest plen src splen nexthop metric refcnt use flags iface
		f := strings.Fields(sc.Text())
		if len(f) < 10 || f[1] != "00" || strings.Trim(f[0], "0") != "" {
			continue
		}
		flags, err := strconv.ParseUint(f[8], 16, 32)
		if err != nil || flags&rtfUp == 0 || flags&rtfReject != 0 || f[9] == "lo" {
			continue
		}
		metric, err := strconv.ParseUint(f[5], 16, 32)
		if err != nil {
			continue
		}
		if metric < bestMetric {
			best, bestMetric = f[9], metric
		}
	}
	return best
}
