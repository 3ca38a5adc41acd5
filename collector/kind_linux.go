package collector

import (
	"os"
	"path/filepath"
	"strings"
)

// interfaceKind classifies an interface from sysfs.
func interfaceKind(p Paths, info InterfaceInfo) string {
	if info.Loopback {
		return KindLoopback
	}
	if p.Sys == "" {
		return ""
	}
	return KindFromSysfs(filepath.Join(p.Sys, "class", "net", info.Name))
}

// KindFromSysfs classifies the interface whose sysfs directory is dir
// (/sys/class/net/NAME): the kernel's DEVTYPE where it sets one, then the
// link type and the markers bridges, bonds and veths leave.
func KindFromSysfs(dir string) string {
	uevent, _ := os.ReadFile(filepath.Join(dir, "uevent"))
	for _, line := range strings.Split(string(uevent), "\n") {
		switch strings.TrimPrefix(line, "DEVTYPE=") {
		case "bridge":
			return KindBridge
		case "bond":
			return KindBond
		case "vlan":
			return KindVLAN
		case "wlan":
			return KindWireless
		case "wireguard", "ipip", "gre", "sit", "ip6tnl", "vxlan", "geneve", "tun", "l2tp":
			return KindTunnel
		}
	}
	switch readTrim(filepath.Join(dir, "type")) {
	case "772":
		return KindLoopback
	case "65534", "768", "769", "776", "778", "823":
		// none (tun, wireguard), ipip, ip6tnl, sit, gre, ip6gre
		return KindTunnel
	}
	if exists(filepath.Join(dir, "tun_flags")) {
		return KindTunnel
	}
	if exists(filepath.Join(dir, "bridge")) {
		return KindBridge
	}
	if exists(filepath.Join(dir, "bonding")) {
		return KindBond
	}
	if exists(filepath.Join(dir, "device")) {
		if exists(filepath.Join(dir, "wireless")) || exists(filepath.Join(dir, "phy80211")) {
			return KindWireless
		}
		return KindPhysical
	}
	// A virtual link whose peer index differs from its own is one end of a
	// pair (veth) whose other end lives elsewhere, typically a container.
	if iflink, idx := readTrim(filepath.Join(dir, "iflink")), readTrim(filepath.Join(dir, "ifindex")); iflink != "" && iflink != idx {
		return KindVeth
	}
	return KindVirtual
}

func readTrim(name string) string {
	b, err := os.ReadFile(name)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func exists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}
