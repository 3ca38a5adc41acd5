//go:build !linux

package collector

import (
	"strconv"
	"strings"

	"github.com/shirou/gopsutil/v4/host"
)

// BootID identifies the current boot by its boot time. "" when unknown.
func BootID(Paths) string {
	bt, err := host.BootTime()
	if err != nil || bt == 0 {
		return ""
	}
	return "btime:" + strconv.FormatUint(bt, 10)
}

// SameBoot reports whether two boot identities name the same boot. Boot
// times derived from uptime drift by a second or two, so they are compared
// with a tolerance far below the time any reboot takes.
func SameBoot(a, b string) bool {
	ta, oka := parseBtime(a)
	tb, okb := parseBtime(b)
	if !oka || !okb {
		return false
	}
	d := int64(ta) - int64(tb)
	return d > -30 && d < 30
}

func parseBtime(s string) (uint64, bool) {
	v, ok := strings.CutPrefix(s, "btime:")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 64)
	return n, err == nil
}
