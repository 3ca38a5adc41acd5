package collector

import (
	"os"
	"testing"
)

func TestParseRoute(t *testing.T) {
	for _, tc := range []struct {
		name, v4file, v6file, want4, want6 string
	}{
		{name: "vm with docker bridge", v4file: "route-vm.txt", v6file: "ipv6_route-vm.txt", want4: "eth0", want6: "eth0"},
		{name: "lowest metric wins, down route skipped", v4file: "route-multi.txt", want4: "eth0"},
		{name: "no default route", v4file: "route-none.txt", want4: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v4, err := os.ReadFile("testdata/" + tc.v4file)
			if err != nil {
				t.Fatal(err)
			}
			if got := ParseRouteIPv4(v4); got != tc.want4 {
				t.Errorf("IPv4: want %q, got %q", tc.want4, got)
			}
			if tc.v6file == "" {
				return
			}
			v6, err := os.ReadFile("testdata/" + tc.v6file)
			if err != nil {
				t.Fatal(err)
			}
			if got := ParseRouteIPv6(v6); got != tc.want6 {
				t.Errorf("IPv6: want %q, got %q", tc.want6, got)
			}
		})
	}
}

func TestParseRouteIPv6SkipsRejectRoutes(t *testing.T) {
	// Only the kernel's unreachable default on lo: no default route.
	data := "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n"
	if got := ParseRouteIPv6([]byte(data)); got != "" {
		t.Errorf("want no default route, got %q", got)
	}
}
