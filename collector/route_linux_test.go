package collector

import (
	"os"
	"testing"
)

func TestDefaultRouteInterfaceFromFixtureRoot(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(dir+"/self/net", 0o755); err != nil {
		t.Fatal(err)
	}
	v4, _ := os.ReadFile("testdata/route-none.txt")
	v6, _ := os.ReadFile("testdata/ipv6_route-vm.txt")
	os.WriteFile(dir+"/self/net/route", v4, 0o644)
	os.WriteFile(dir+"/self/net/ipv6_route", v6, 0o644)
	p := Paths{Proc: dir, NetProc: dir + "/self"}
	if got := DefaultRouteInterface(p); got != "eth0" {
		t.Errorf("want the IPv6 default route's eth0 when IPv4 has none, got %q", got)
	}
}
