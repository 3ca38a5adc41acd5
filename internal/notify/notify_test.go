package notify

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestMaskHidesSecrets(t *testing.T) {
	for _, tc := range []struct {
		raw, want string
		secrets   []string
	}{
		{"https://hooks.example.com/services/T000/B000/XXXXSECRET", "https://hooks.example.com/services/***", []string{"XXXXSECRET", "T000"}},
		{"http://127.0.0.1:8080/hook", "http://127.0.0.1:8080/***", nil},
		{"https://ntfy.sh/SeCrEtTopic", "https://ntfy.sh/***", []string{"SeCrEtTopic"}},
		{"https://api.telegram.org/bot123456:SECRETtoken/sendMessage", "https://api.telegram.org/***", []string{"SECRET", "123456"}},
		{"https://hc-ping.com/0f1e2d3c-SECRET-UUID/fail", "https://hc-ping.com/***", []string{"SECRET"}},
		{"https://hc-ping.com/0f1e2d3c-SECRET-UUID/", "https://hc-ping.com/***", []string{"SECRET"}},
		{"pushover://shoutrrr:apiTokenSECRET@userKeySECRET/?devices=phone", "pushover://***@***?devices=***", []string{"SECRET", "phone"}},
		{"ifttt://KeySECRET/?events=net", "ifttt://***?events=***", []string{"SECRET"}},
		{"smtp://user:pw@mail.example.com:587/?to=me@example.com", "smtp://***@mail.example.com:587?to=***", []string{"pw", "me@"}},
		{"discord://TokenSECRET@123456789", "discord://***@***", []string{"SECRET", "123456789"}},
		{"https://user:p4ssw0rd@example.com/hook?token=abcdef123&x=1", "https://***@example.com/***?token=***&x=***", []string{"p4ssw0rd", "abcdef123", "user"}},
		{"ntfy://ntfy.sh/my-secret-topic", "ntfy://ntfy.sh/***", []string{"my-secret-topic"}},
		{"telegram://123456:ABCDEFSECRET@telegram?chats=@channel", "telegram://***@***?chats=***", []string{"ABCDEFSECRET", "channel"}},
		{"gotify://gotify.example.com/AbCdEfToken", "gotify://gotify.example.com/***", []string{"AbCdEfToken"}},
		{"::not a url", "***", nil},
	} {
		t.Run(tc.raw, func(t *testing.T) {
			got := Mask(tc.raw)
			if got != tc.want {
				t.Errorf("Mask = %q, want %q", got, tc.want)
			}
			for _, s := range tc.secrets {
				if strings.Contains(got, s) {
					t.Errorf("Mask = %q shows %q", got, s)
				}
			}
			// An error message naming the URL's parts is scrubbed of
			// what Mask hides (parts under 4 characters are left).
			host := ""
			if u, err := url.Parse(tc.raw); err == nil {
				host = u.Hostname()
			}
			msg := scrub(fmt.Sprintf("Post %q: dial tcp: lookup %s: no such host", tc.raw, host), tc.raw)
			for _, s := range tc.secrets {
				if len(s) >= 4 && strings.Contains(msg, s) {
					t.Errorf("scrubbed message %q shows %q", msg, s)
				}
			}
		})
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		raw string
		ok  bool
	}{
		{"https://example.com/hook", true},
		{"http://127.0.0.1:1/x", true},
		{"ntfy://ntfy.sh/topic", true},
		{"generic://127.0.0.1:8080/path?disabletls=yes", true},
		{"", false},
		{"example.com/hook", false},
		{"https://", false},
		{"http://[::1", false},
		{"nosuchservice://host/x", false},
		{"discord://", false},
		{"discord://token@channel", true},
		{"telegram://110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw@telegram?chats=@chan", true},
		{"gotify://gotify.example.com/Aaa.bbb.ccc.ddd", true},
		{"smtp://user:pass@mail.example.com:587/?from=np@example.com&to=me@example.com", true},
		{"slack://hook:WNA3PBYV6-F20DUQND3RQ-Webc4MAvoacrpPakR8phF0zi@webhook", true},
		{"generic+https://hooks.example.net/alerts", true},
		{"teams://group@tenant/altId/groupOwner", false}, // not linked
	} {
		t.Run(tc.raw, func(t *testing.T) {
			if err := Check(tc.raw); (err == nil) != tc.ok {
				t.Errorf("Check(%q) = %v, want ok %v", tc.raw, err, tc.ok)
			}
		})
	}
}

// TestSendErrorsCarryNoSecret: a receiver that fails, one that is not
// there, and a Shoutrrr service that fails all give errors without the
// URL's secrets.
func TestSendErrorsCarryNoSecret(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusInternalServerError)
	}))
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, raw := range []string{
		srv.URL + "/hook/SeCrEtPaTh?token=SeCrEtToKeN",
		"http://u:SeCrEtPaSs@" + strings.TrimPrefix(closed.URL, "http://") + "/x?token=SeCrEtToKeN",
		"generic://" + host + "/SeCrEtPaTh?disabletls=yes&token=SeCrEtToKeN",
	} {
		err := Send(ctx, http.DefaultClient, raw, Message{Body: []byte(`{}`), Title: "t", Text: "x"})
		if err == nil {
			t.Fatalf("%s: no error", Mask(raw))
		}
		for _, s := range []string{"SeCrEt", raw} {
			if strings.Contains(err.Error(), s) {
				t.Errorf("%s: error %q shows a secret", Mask(raw), err)
			}
		}
	}
}

func TestSendWebhookAndShoutrrrGeneric(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.URL.Path+" "+r.Header.Get("Content-Type")+" "+string(b))
		mu.Unlock()
	}))
	defer srv.Close()
	ctx := context.Background()
	m := Message{Body: []byte(`{"event":"plan.threshold"}`), Title: "Home at 80 %", Text: "Home has used 80 % of its cap."}
	if err := Send(ctx, srv.Client(), srv.URL+"/hook", m); err != nil {
		t.Fatal(err)
	}
	if err := Send(ctx, srv.Client(), "generic://"+strings.TrimPrefix(srv.URL, "http://")+"/shoutrrr?disabletls=yes", m); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] != `/hook application/json {"event":"plan.threshold"}` ||
		!strings.HasPrefix(got[1], "/shoutrrr ") || !strings.Contains(got[1], "Home has used 80 % of its cap.") {
		t.Errorf("received %q", got)
	}
}
