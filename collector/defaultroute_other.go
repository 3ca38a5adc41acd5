//go:build !linux && !windows && !darwin && !freebsd && !netbsd && !openbsd

package collector

// DefaultRouteInterface is unknown on this OS.
func DefaultRouteInterface(Paths) string { return "" }
