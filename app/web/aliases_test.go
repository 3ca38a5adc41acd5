package web

import (
	"strings"
	"testing"
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
		{"alias too long", `{"aliases":{"lo":"` + strings.Repeat("é", 64+1) + `"}}`, "longer than 64 characters"},
		{"control character", `{"aliases":{"lo":"a\u0007b"}}`, "control character"},
		{"missing field", `{}`, `missing field "aliases"`},
		{"misspelt field", `{"names":{"lo":"x"}}`, `unknown field "names"`},
		{"nothing given", `{"aliases":{}}`, "no aliases given"},
		{"name too long", `{"aliases":{"` + strings.Repeat("x", 256+1) + `":"x"}}`, "empty or too long"},
		{"wrong type", `{"aliases":["lo"]}`, `field "aliases" must be an object, not array`},
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
