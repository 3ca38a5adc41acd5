package app

import (
	"context"
	"testing"
	"time"
)

// Aliases survive a restart, show on every entry of Interfaces ("" when
// none), and an empty alias removes one.
func TestAliasesPersistAndRemove(t *testing.T) {
	ctx := context.Background()
	cfg := Config{DataDir: t.TempDir(), Interval: time.Second, FlushInterval: time.Second, Listen: "127.0.0.1:0"}
	svc, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetAliases(ctx, map[string]string{"lo": "  Loopback "}); err != nil {
		t.Fatal(err)
	}
	svc.Close()
	svc, err = New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	list, err := svc.Interfaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range list {
		want := ""
		if i.Name == "lo" {
			want = "Loopback"
		}
		if i.Alias != want {
			t.Errorf("%s: alias %q, want %q", i.Name, i.Alias, want)
		}
	}
	got, err := svc.SetAliases(ctx, map[string]string{"lo": ""})
	if err != nil || len(got.Aliases) != 0 {
		t.Fatalf("removing the alias: %v, %v", got, err)
	}
}
