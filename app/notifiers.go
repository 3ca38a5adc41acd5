package app

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/netpulse/netpulse/internal/notify"
	"github.com/netpulse/netpulse/storage"
)

// Limits of notifiers.
const (
	maxNotifiers       = 32
	maxNotifierNameLen = 100
	testTimeout        = 15 * time.Second
)

// notifierEvents are the groups of alerts a notifier can take.
var notifierEvents = []string{"plan", "rate", "interface", "health"}

// NotifierInput is the body of POST /api/notifiers.
type NotifierInput struct {
	Name   string   `json:"name"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

func errNoNotifier(id int64) error {
	return &RequestError{Status: http.StatusNotFound, Msg: fmt.Sprintf("no notifier with id %d", id)}
}

// CheckNotifierWrites refuses to add, delete or test notifiers while the
// server listens beyond loopback without a password: a notifier makes it
// send requests wherever its URL points, a lever for anyone who reaches
// the API.
func (s *Service) CheckNotifierWrites() error {
	if !s.cfg.Exposed() {
		return nil
	}
	return &RequestError{Status: http.StatusForbidden, Msg: "Net-Pulse listens beyond this machine without a password, so it does not " +
		"add, change or test notifiers: a notifier makes the server send requests wherever its URL points. " +
		"Set NETPULSE_PASSWORD and restart Net-Pulse to manage notifiers."}
}

// Notifiers lists the notifiers, their URLs masked.
func (s *Service) Notifiers(ctx context.Context) ([]Notifier, error) {
	ns, err := s.store.Notifiers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Notifier, 0, len(ns))
	for _, n := range ns {
		out = append(out, maskedNotifier(n))
	}
	return out, nil
}

func maskedNotifier(n storage.Notifier) Notifier {
	return Notifier{ID: n.ID, Name: n.Name, URL: notify.Mask(n.URL), Events: n.Events,
		LastError: n.LastError, LastErrorAt: n.LastErrorAt, LastSentAt: n.LastSentAt}
}

// CreateNotifier checks and saves a notifier.
func (s *Service) CreateNotifier(ctx context.Context, in NotifierInput) (Notifier, error) {
	if err := s.CheckNotifierWrites(); err != nil {
		return Notifier{}, err
	}
	n := storage.Notifier{Name: strings.TrimSpace(in.Name), URL: strings.TrimSpace(in.URL)}
	switch {
	case n.Name == "":
		return Notifier{}, badRequest("name: a notifier needs a name")
	case len([]rune(n.Name)) > maxNotifierNameLen:
		return Notifier{}, badRequest("name: longer than %d characters", maxNotifierNameLen)
	case !oneLine(n.Name):
		return Notifier{}, badRequest("name: holds a control character or is not valid UTF-8")
	}
	if err := notify.Check(n.URL); err != nil {
		return Notifier{}, badRequest("url: %v", err)
	}
	if len(in.Events) == 0 {
		return Notifier{}, badRequest("events: pick at least one of %s", strings.Join(notifierEvents, ", "))
	}
	for _, e := range in.Events {
		if !slices.Contains(notifierEvents, e) {
			return Notifier{}, badRequest("events: %q is not one of %s", e, strings.Join(notifierEvents, ", "))
		}
	}
	n.Events = slices.Compact(slices.Sorted(slices.Values(in.Events)))
	existing, err := s.store.Notifiers(ctx)
	if err != nil {
		return Notifier{}, err
	}
	if len(existing) >= maxNotifiers {
		return Notifier{}, badRequest("there are %d notifiers already, the most there can be", len(existing))
	}
	if n.ID, err = s.store.AddNotifier(ctx, n); err != nil {
		return Notifier{}, err
	}
	// The name only: the URL holds secrets.
	s.log.Info("notifier added", "id", n.ID, "name", n.Name)
	return maskedNotifier(n), nil
}

// DeleteNotifier deletes a notifier and what it still had to send.
func (s *Service) DeleteNotifier(ctx context.Context, id int64) error {
	if err := s.CheckNotifierWrites(); err != nil {
		return err
	}
	ok, err := s.store.DeleteNotifier(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return errNoNotifier(id)
	}
	s.log.Info("notifier deleted", "id", id)
	return nil
}

// TestNotifier sends a test message now. A failed delivery is a 502 with
// the error (scrubbed of the URL's secrets), and shows as the notifier's
// last error.
func (s *Service) TestNotifier(ctx context.Context, id int64) error {
	if err := s.CheckNotifierWrites(); err != nil {
		return err
	}
	ns, err := s.store.Notifiers(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(ns, func(n storage.Notifier) bool { return n.ID == id })
	if i < 0 {
		return errNoNotifier(id)
	}
	now := time.Now()
	body := testBody(now)
	ctx, cancel := context.WithTimeout(ctx, testTimeout)
	defer cancel()
	if err := s.alerts.send(ctx, ns[i], body); err != nil {
		return &RequestError{Status: http.StatusBadGateway, Msg: "the test message was not delivered: " + err.Error()}
	}
	return nil
}
