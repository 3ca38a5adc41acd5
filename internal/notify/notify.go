// Package notify delivers alerts to a notifier's URL: http:// and https://
// URLs receive Net-Pulse's JSON webhook, every other scheme is a Shoutrrr
// service URL (ntfy://, gotify://, discord://, telegram://, smtp://, ...).
//
// A URL carries secrets (tokens, passwords, topics), so nothing this
// package returns contains them: errors are scrubbed and Mask shows a URL
// with its secrets replaced.
package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/nicholas-fedor/shoutrrr/pkg/types"
)

// Message is one alert: Body is the webhook's JSON, Title and Text what a
// chat or push service shows.
type Message struct {
	Body  []byte
	Title string
	Text  string
}

// maxURLLen bounds a notifier URL.
const maxURLLen = 2048

// Check reports whether raw is a URL a message can be sent to, without
// sending anything.
func Check(raw string) error {
	u, err := parse(raw)
	if err != nil {
		return err
	}
	if webhook(u) {
		return nil
	}
	if _, err := locate(raw); err != nil {
		return errors.New(scrub(fmt.Sprintf("not a valid %s:// service URL: %v", u.Scheme, unwrapAll(err)), raw))
	}
	return nil
}

func parse(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("empty")
	}
	if len(raw) > maxURLLen {
		return nil, fmt.Errorf("longer than %d characters", maxURLLen)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("does not parse as a URL")
	}
	if u.Scheme == "" {
		return nil, errors.New("needs a scheme, like https://example.com/hook or ntfy://ntfy.sh/topic")
	}
	if webhook(u) && u.Host == "" {
		return nil, errors.New("needs a host, like https://example.com/hook")
	}
	return u, nil
}

func webhook(u *url.URL) bool { return u.Scheme == "http" || u.Scheme == "https" }

// Send delivers m to raw. client sends webhooks; Shoutrrr services use
// their own, bounded here by ctx.
func Send(ctx context.Context, client *http.Client, raw string, m Message) error {
	u, err := parse(raw)
	if err != nil {
		return err
	}
	if webhook(u) {
		err = postJSON(ctx, client, raw, m.Body)
	} else {
		err = sendService(ctx, raw, m)
	}
	if err != nil {
		return errors.New(scrub(err.Error(), raw))
	}
	return nil
}

func postJSON(ctx context.Context, client *http.Client, raw string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, raw, bytes.NewReader(body))
	if err != nil {
		return errors.New("cannot make the request")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Net-Pulse")
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL itself stays out of the message
		}
		return fmt.Errorf("cannot reach the receiver: %v", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("the receiver answered %s", resp.Status)
	}
	return nil
}

// sendService sends through Shoutrrr. Its services take no context, so a
// receiver that hangs is given up on at ctx's end (the send itself ends
// when its own client gives up).
func sendService(ctx context.Context, raw string, m Message) error {
	svc, err := locate(raw)
	if err != nil {
		return fmt.Errorf("not a valid service URL: %v", unwrapAll(err))
	}
	done := make(chan error, 1)
	go func() {
		params := types.Params{}
		if m.Title != "" {
			params["title"] = m.Title
		}
		done <- svc.Send(m.Text, &params)
	}()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("the service refused the message: %v", unwrapAll(err))
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("no answer from the service: %w", ctx.Err())
	}
}

// unwrapAll drops url.Error wrappers, whose text repeats the URL.
func unwrapAll(err error) error {
	var ue *url.Error
	for errors.As(err, &ue) {
		err = ue.Err
	}
	return err
}

// Mask returns raw with its secrets replaced by "***": the user
// information, every query value, the path except the first segment of a
// webhook's longer path when it is a word (https://host/hooks/SECRET names
// its endpoint there; a lone segment, as in ntfy's https://ntfy.sh/TOPIC or a
// health-check ping's UUID, is the secret itself), and a service's host
// when it is no host name (Pushover's, IFTTT's and Pushbullet's keys sit
// there). What is left names the service and the host.
func Mask(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return "***"
	}
	var b strings.Builder
	b.WriteString(u.Scheme + "://")
	if u.User != nil {
		b.WriteString("***@")
	}
	if !secretHost(u) {
		b.WriteString(u.Host)
	} else {
		b.WriteString("***")
		if port := u.Port(); port != "" {
			b.WriteString(":" + port)
		}
	}
	if p := strings.Trim(u.EscapedPath(), "/"); p != "" {
		first, rest, more := strings.Cut(p, "/")
		switch {
		case webhook(u) && more && rest != "" && endpointWord(first):
			b.WriteString("/" + first + "/***")
		default:
			b.WriteString("/***")
		}
	}
	if u.RawQuery != "" {
		q := u.Query()
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			sep := "&"
			if i == 0 {
				sep = "?"
			}
			b.WriteString(sep + url.QueryEscape(k) + "=***")
		}
	}
	return b.String()
}

// endpointWord reports whether a path segment reads as the name of an
// endpoint ("hooks", "services", "api") rather than a key: a short word of
// letters, without digits (Telegram's "bot<TOKEN>" and a ping key have them).
func endpointWord(seg string) bool {
	if seg == "" || len(seg) > 16 {
		return false
	}
	for _, r := range seg {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// secretHost reports whether u's host may be a key rather than a host
// name: a service's host without a dot (an IPv6 address has colons).
func secretHost(u *url.URL) bool {
	host := u.Hostname()
	return !webhook(u) && host != "" && !strings.ContainsAny(host, ".:")
}

// scrub removes from msg everything of raw that Mask hides, in raw and
// in decoded form.
func scrub(msg, raw string) string {
	secrets := []string{raw}
	if u, err := url.Parse(raw); err == nil {
		if u.User != nil {
			secrets = append(secrets, u.User.String(), u.User.Username())
			if p, ok := u.User.Password(); ok {
				secrets = append(secrets, p)
			}
		}
		if secretHost(u) {
			secrets = append(secrets, u.Hostname())
		}
		for _, seg := range strings.Split(u.Path, "/") {
			secrets = append(secrets, seg)
		}
		for _, seg := range strings.Split(u.EscapedPath(), "/") {
			secrets = append(secrets, seg)
		}
		for _, vs := range u.Query() {
			secrets = append(secrets, vs...)
		}
		secrets = append(secrets, u.RawQuery)
	}
	// Longest first, so a secret's part never leaves the rest behind.
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	for _, s := range secrets {
		// Short segments ("v1", "api") carry no secret and appear in
		// ordinary words.
		if len(s) >= 4 {
			msg = strings.ReplaceAll(msg, s, "***")
		}
	}
	return msg
}
