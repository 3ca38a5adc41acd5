// Package units renders byte counts and rates the way the dashboard does
// (frontend/src/lib/units.js), for the tray and for alert messages.
package units

import (
	"math"
	"math/big"
	"strconv"
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
	d := unitDecimals(v, i)
	// Rounding can reach the base ("1000 kB"); move up a prefix instead. IEC
	// keeps four digits below 1024 ("1010 KiB"), as the dashboard does.
	if math.Abs(roundedTo(v, d)) >= u.base && i < len(u.prefixes)-1 {
		v /= u.base
		i++
		d = unitDecimals(v, i)
	}
	return fixedHalfUp(v, d) + " " + u.prefixes[i] + unit
}

// unitDecimals keeps three significant digits, counted after rounding (9.995
// kB shows as "10.0 kB"); values in the base unit are whole unless they are a
// small fraction.
func unitDecimals(v float64, index int) int {
	decimals := func(a float64) int {
		switch {
		case index == 0 && a > 0 && a < 10 && a != math.Trunc(a):
			return 1
		case index == 0 || a >= 100:
			return 0
		case a >= 10:
			return 1
		}
		return 2
	}
	d := decimals(math.Abs(v))
	if index > 0 {
		d = decimals(math.Abs(roundedTo(v, d)))
	}
	return d
}

// fixedHalfUp renders v with d decimals as the dashboard's Intl.NumberFormat
// does: its shortest decimal form rounded half away from zero, so 1.005 gives
// "1.01" where %.2f, rounding the binary value, gives "1.00".
func fixedHalfUp(v float64, d int) string {
	r, _ := new(big.Rat).SetString(strconv.FormatFloat(v, 'g', -1, 64))
	return r.FloatString(d)
}

func roundedTo(v float64, d int) float64 {
	f, _ := strconv.ParseFloat(fixedHalfUp(v, d), 64)
	return f
}
