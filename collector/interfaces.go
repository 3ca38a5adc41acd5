package collector

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	psnet "github.com/shirou/gopsutil/v4/net"
)

// Interface kinds, as far as the OS tells them.
const (
	KindPhysical = "physical"
	KindWireless = "wireless"
	KindLoopback = "loopback"
	KindBridge   = "bridge"
	KindBond     = "bond"
	KindVLAN     = "vlan"
	KindTunnel   = "tunnel"
	KindVeth     = "veth"
	KindVirtual  = "virtual"
)

// InterfaceInfo describes a network interface present now.
type InterfaceInfo struct {
	Name      string
	Index     int
	Addresses []string // CIDR notation
	MAC       string
	MTU       int
	Up        bool
	Loopback  bool
	Kind      string
}

// Interfaces lists the interfaces present now, sorted by name.
func Interfaces(ctx context.Context, p Paths) ([]InterfaceInfo, error) {
	if p.HostMode() {
		return hostInterfaces(p)
	}
	stats, err := psnet.InterfacesWithContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("list interfaces: %w", err)
	}
	out := make([]InterfaceInfo, 0, len(stats))
	for _, s := range stats {
		info := InterfaceInfo{
			Name: s.Name, Index: s.Index, MAC: s.HardwareAddr, MTU: s.MTU,
			Up:       slices.Contains(s.Flags, "up"),
			Loopback: slices.Contains(s.Flags, "loopback"),
		}
		info.Addresses = make([]string, 0, len(s.Addrs))
		for _, a := range s.Addrs {
			info.Addresses = append(info.Addresses, a.Addr)
		}
		info.Kind = interfaceKind(p, info)
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b InterfaceInfo) int { return cmpString(a.Name, b.Name) })
	return out, nil
}

// hostInterfaces lists the interfaces of the namespace the counters come
// from. Only names are known there: addresses and flags live in netlink,
// which this process can only ask about its own namespace.
func hostInterfaces(p Paths) ([]InterfaceInfo, error) {
	b, err := os.ReadFile(filepath.Join(p.NetProc, "net", "dev"))
	if err != nil {
		return nil, fmt.Errorf("list interfaces: %w", err)
	}
	cs, err := ParseNetDev(b, nil)
	if err != nil {
		return nil, fmt.Errorf("list interfaces: %w", err)
	}
	out := make([]InterfaceInfo, 0, len(cs))
	for _, c := range cs {
		info := InterfaceInfo{Name: c.Name, Addresses: []string{}, Up: true, Loopback: c.Name == "lo"}
		if info.Loopback {
			info.Kind = KindLoopback
		}
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b InterfaceInfo) int { return cmpString(a.Name, b.Name) })
	return out, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
