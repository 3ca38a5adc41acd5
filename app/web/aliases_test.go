package web

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestAliases(t *testing.T) {
	_, srv := newTestServer(t, testPassword)
	set := func(body string) (int, map[string]any) {
		resp, v := call{method: "POST", path: "/api/config/aliases", body: body}.do(t, srv)
		return resp.StatusCode, v
	}
	if code, v := set(`{"aliases":{"lo":"Loopback"}}`); code != 200 {
		t.Fatalf("set alias: %d %v", code, v)
	}
	tests := []struct {
		name, body, wantErr string
	}{
		{"unknown interface, with a valid one", `{"aliases":{"lo":"Other","nope0x":"X"}}`, `unknown interface "nope0x"`},
		{"alias too long", `{"aliases":{"lo":"` + strings.Repeat("é", maxAliasLen+1) + `"}}`, "longer than 64 characters"},
		{"control character", `{"aliases":{"lo":"a\u0007b"}}`, "control character"},
		{"missing field", `{"names":{"lo":"x"}}`, `missing field "aliases"`},
		{"nothing given", `{"aliases":{}}`, "no aliases given"},
		{"name too long", `{"aliases":{"` + strings.Repeat("x", maxNameLen+1) + `":"x"}}`, "empty or too long"},
		{"wrong type", `{"aliases":["lo"]}`, "wrong type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, v := set(tt.body)
			if code != 400 || !strings.Contains(v["error"].(string), tt.wantErr) {
				t.Fatalf("got %d %v, want 400 with %q", code, v, tt.wantErr)
			}
			resp, got := call{method: "GET", path: "/api/config/aliases"}.do(t, srv)
			if resp.StatusCode != 200 || got["aliases"].(map[string]any)["lo"] != "Loopback" || len(got["aliases"].(map[string]any)) != 1 {
				t.Fatalf("aliases after a refused change: %v", got)
			}
		})
	}
}

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
