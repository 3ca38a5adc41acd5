//go:build !linux

package collector

// interfaceKind tells loopback apart; other kinds are not reported here.
func interfaceKind(_ Paths, info InterfaceInfo) string {
	if info.Loopback {
		return KindLoopback
	}
	return ""
}
