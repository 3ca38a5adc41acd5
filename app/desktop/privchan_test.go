package desktop

import (
	"context"
	"io"
	"net/http"
	"testing"
	"testing/fstest"

	"github.com/netpulse/netpulse/app"
)

// servePriv serves svc's API on a private channel in a fresh data folder and
// returns a client holding the token.
func servePriv(t *testing.T, svc *app.Service) *privClient {
	t.Helper()
	t.Setenv("XDG_RUNTIME_DIR", "")
	s, err := listenPriv(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s.guard(privAPI(svc, app.Config{}, fstest.MapFS{}, nil))}
	go srv.Serve(s.ln)
	t.Cleanup(func() { srv.Close(); s.close() })
	return newPrivClient(s.sock, s.token)
}

func TestPrivChannelToken(t *testing.T) {
	svc, _ := newTestServer(t, "secret") // the token replaces the password
	c := servePriv(t, svc)
	tests := []struct {
		name   string
		token  string
		status int
	}{
		{"the session's token", c.token, http.StatusOK},
		{"no token", "", http.StatusUnauthorized},
		{"another token", newToken(), http.StatusUnauthorized},
		{"the token's prefix", c.token[:32], http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cc := *c
			cc.token = tt.token
			resp, err := cc.request(context.Background(), http.MethodGet, "/api/interfaces", "", nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d %s, want %d", resp.StatusCode, body, tt.status)
			}
		})
	}
}
