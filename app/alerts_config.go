package app

import (
	"fmt"
	"strconv"
	"time"
)

// parseRateAlert reads the rate alert from NETPULSE_RATE_ALERT_BPS (bytes
// per second; unset: no rate alert) and NETPULSE_RATE_ALERT_FOR (how long,
// whole minutes, 1m to 24h; default 5m).
func parseRateAlert(getenv func(string) string) (int64, time.Duration, error) {
	// The duration is checked even without a rate: a typo in it should
	// not wait to be found until the rate is set.
	d, err := parseBounded("NETPULSE_RATE_ALERT_FOR", envOr(getenv, "NETPULSE_RATE_ALERT_FOR", "5m"), time.Minute, 24*time.Hour)
	if err != nil {
		return 0, 0, err
	}
	if d%time.Minute != 0 {
		return 0, 0, fmt.Errorf("NETPULSE_RATE_ALERT_FOR: %s is not a whole number of minutes", d)
	}
	raw := getenv("NETPULSE_RATE_ALERT_BPS")
	if raw == "" {
		return 0, 0, nil
	}
	bps, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || bps < 1 {
		return 0, 0, fmt.Errorf("NETPULSE_RATE_ALERT_BPS: %q is not a rate in bytes per second, such as 12500000 for 100 Mbit/s", raw)
	}
	return bps, d, nil
}
