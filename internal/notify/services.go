package notify

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/nicholas-fedor/shoutrrr/pkg/services/chat/discord"
	"github.com/nicholas-fedor/shoutrrr/pkg/services/chat/matrix"
	"github.com/nicholas-fedor/shoutrrr/pkg/services/chat/mattermost"
	"github.com/nicholas-fedor/shoutrrr/pkg/services/chat/rocketchat"
	"github.com/nicholas-fedor/shoutrrr/pkg/services/chat/signal"
	"github.com/nicholas-fedor/shoutrrr/pkg/services/chat/slack"
	"github.com/nicholas-fedor/shoutrrr/pkg/services/chat/telegram"
	"github.com/nicholas-fedor/shoutrrr/pkg/services/email/smtp"
	"github.com/nicholas-fedor/shoutrrr/pkg/services/push/gotify"
	"github.com/nicholas-fedor/shoutrrr/pkg/services/push/ntfy"
	"github.com/nicholas-fedor/shoutrrr/pkg/services/push/pushover"
	"github.com/nicholas-fedor/shoutrrr/pkg/services/specialized/generic"
	"github.com/nicholas-fedor/shoutrrr/pkg/types"
)

// services are the Shoutrrr services Net-Pulse links. Shoutrrr's own router
// links all 26 of its services, whose code every daemon maps whether it
// notifies or not, in resident memory (PERFORMANCE.md, "/metrics scraped
// every 15 s"); these are the ones home-lab users name.
var services = map[string]func() types.Service{
	"discord":    func() types.Service { return &discord.Service{} },
	"generic":    func() types.Service { return &generic.Service{} },
	"gotify":     func() types.Service { return &gotify.Service{} },
	"matrix":     func() types.Service { return &matrix.Service{} },
	"mattermost": func() types.Service { return &mattermost.Service{} },
	"ntfy":       func() types.Service { return &ntfy.Service{} },
	"pushover":   func() types.Service { return &pushover.Service{} },
	"rocketchat": func() types.Service { return &rocketchat.Service{} },
	"signal":     func() types.Service { return &signal.Service{} },
	"slack":      func() types.Service { return &slack.Service{} },
	"smtp":       func() types.Service { return &smtp.Service{} },
	"telegram":   func() types.Service { return &telegram.Service{} },
}

// Services lists the schemes a notifier URL may have besides http(s).
func Services() []string {
	out := make([]string, 0, len(services))
	for s := range services {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// locate makes the service for a URL, as Shoutrrr's router does: the
// scheme names the service, and "service+scheme" is a custom URL the
// service converts (generic+https://...).
func locate(raw string) (types.Service, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("does not parse as a URL")
	}
	scheme, _, custom := strings.Cut(u.Scheme, "+")
	factory, ok := services[strings.ToLower(scheme)]
	if !ok {
		return nil, fmt.Errorf("unknown service %q (known: http, https, %s)", scheme, strings.Join(Services(), ", "))
	}
	svc := factory()
	if custom {
		c, ok := svc.(types.CustomURLService)
		if !ok {
			return nil, fmt.Errorf("the %s service takes no custom URLs", scheme)
		}
		if u, err = c.GetConfigURLFromCustom(u); err != nil {
			return nil, fmt.Errorf("custom URL: %w", err)
		}
	}
	if err := svc.Initialize(u, nil); err != nil {
		return nil, err
	}
	return svc, nil
}
