// Package units renders byte counts and rates the way the dashboard does
// (frontend/src/lib/units.js), for the tray and for alert messages.
package units

import (
	"fmt"
	"math"
)

// unitSystem is a prefix system: SI (1000) or IEC (1024).
type unitSystem struct {
	base     float64
	prefixes []string
}

func systemFor(prefix string) unitSystem {
	if prefix == "iec" {
		return unitSystem{1024, []string{"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"}}
	}
	return unitSystem{1000, []string{"", "k", "M", "G", "T", "P", "E"}}
}

// Bytes renders a byte count with prefix "si" or "iec": "0 B", "1.50 MB",
// "2.00 GiB".
func Bytes(n int64, prefix string) string {
	return Format(float64(n), prefix, "B")
}

// Format renders v in unit with the prefixes of "si" (1000) or "iec" (1024):
// three significant digits, "12.5 Mbit/s".
func Format(v float64, prefix, unit string) string {
	u := systemFor(prefix)
	i := 0
	for math.Abs(v) >= u.base && i < len(u.prefixes)-1 {
		v /= u.base
		i++
	}
	text := unitDigits(v, i)
	// Rounding can reach the base ("1000 kB"); move up a prefix instead. IEC
	// keeps four digits below 1024 ("1010 KiB"), as the dashboard does.
	var f float64
	if _, err := fmt.Sscan(text, &f); err == nil && math.Abs(f) >= u.base && i < len(u.prefixes)-1 {
		v /= u.base
		i++
		text = unitDigits(v, i)
	}
	return text + " " + u.prefixes[i] + unit
}

// unitDigits keeps three significant digits; values in the base unit are
// whole unless they are a small fraction.
func unitDigits(v float64, index int) string {
	a := math.Abs(v)
	switch {
	case index == 0 && a > 0 && a < 10 && v != math.Trunc(v):
		return fmt.Sprintf("%.1f", v)
	case index == 0:
		return fmt.Sprintf("%d", int64(math.Round(v)))
	case a < 10:
		return fmt.Sprintf("%.2f", v)
	case a < 100:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%d", int64(math.Round(v)))
}
