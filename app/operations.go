package app

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/netpulse/netpulse/collector"
)

// Settings keys and accepted values.
const (
	keyMonitored = "monitored_interfaces"
	maxMonitored = 64
	maxNameLen   = 256
)

var settingChoices = map[string][]string{
	"rate_unit":   {"bits", "bytes"},
	"unit_prefix": {"si", "iec"},
	"theme":       {"system", "light", "dark"},
	// "auto" follows the browser's (or, in the desktop app, the system's) language.
	"language": {"auto", "en", "de", "zh"},
	// The desktop app's OS notifications for alerts.
	"desktop_notifications": {"on", "off"},
	keyRecordContainers:     {"on", "off"},
}

const knownSettings = "rate_unit, unit_prefix, theme, language, desktop_notifications, " + keyRecordContainers

var defaultSettings = Settings{RateUnit: "bits", UnitPrefix: "si", Theme: "system", Language: "auto", DesktopNotifications: "on", RecordContainers: "on"}

// loadMonitored returns the saved selection, or on first start the
// default-route interface.
func (s *Service) loadMonitored(ctx context.Context) ([]string, error) {
	v, ok, err := s.store.Setting(ctx, keyMonitored)
	if err != nil {
		return nil, err
	}
	if ok {
		var names []string
		if err := json.Unmarshal([]byte(v), &names); err != nil {
			return nil, fmt.Errorf("stored monitored interfaces are damaged (%q): %w", v, err)
		}
		return names, nil
	}
	if name := collector.DefaultRouteInterface(s.paths); name != "" {
		return []string{name}, nil
	}
	return []string{}, nil
}

// Interfaces lists every interface present now, plus the absent ones that
// are monitored or have recorded traffic.
func (s *Service) Interfaces(ctx context.Context) ([]Interface, error) {
	names, err := s.names(ctx)
	if err != nil {
		return nil, err
	}
	if err := names.list(); err != nil {
		return nil, err
	}
	present, known, monitored := names.present, names.known, names.monitored
	def := collector.DefaultRouteInterface(s.paths)
	out := make([]Interface, 0, len(present)+len(known))
	seen := map[string]bool{}
	for _, p := range present {
		seen[p.Name] = true
		out = append(out, Interface{
			Name: p.Name, Addresses: nonNil(p.Addresses), MAC: p.MAC, MTU: p.MTU,
			Up: p.Up, Loopback: p.Loopback, Kind: p.Kind,
			DefaultRoute: p.Name == def, Monitored: monitored[p.Name], Recorded: monitored[p.Name], Present: true,
		})
	}
	for _, c := range s.containerInterfaces(monitored) {
		seen[c.Name] = true
		out = append(out, c)
	}
	absent := append(known, s.MonitoredNames()...)
	slices.Sort(absent)
	for _, name := range slices.Compact(absent) {
		if !seen[name] {
			out = append(out, absentInterface(name, monitored[name]))
		}
	}
	aliases := s.aliasMap()
	for i := range out {
		out[i].Alias = aliases[out[i].Name]
	}
	return out, nil
}

// MonitoredNames returns the monitored interfaces.
func (s *Service) MonitoredNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.monitored)
}

func (s *Service) monitoredSet() map[string]bool {
	m := map[string]bool{}
	for _, n := range s.MonitoredNames() {
		m[n] = true
	}
	return m
}

// MonitoredInterfaces returns the monitored selection.
func (s *Service) MonitoredInterfaces(context.Context) (MonitoredList, error) {
	return MonitoredList{Interfaces: s.MonitoredNames()}, nil
}

// SetMonitoredInterfaces saves a new selection. Every name must be present
// now, known from history, or already monitored; otherwise nothing changes.
func (s *Service) SetMonitoredInterfaces(ctx context.Context, names []string) (MonitoredList, error) {
	if names == nil {
		return MonitoredList{}, badRequest(`missing field "interfaces" (a list of interface names)`)
	}
	if len(names) > maxMonitored {
		return MonitoredList{}, badRequest("too many interfaces: %d, at most %d", len(names), maxMonitored)
	}
	valid, err := s.names(ctx)
	if err != nil {
		return MonitoredList{}, err
	}
	clean := make([]string, 0, len(names))
	for _, n := range names {
		if n == "" || len(n) > maxNameLen {
			return MonitoredList{}, badRequest("interface name %q is empty or too long", n)
		}
		if ok, err := valid.has(n); err != nil {
			return MonitoredList{}, err
		} else if !ok {
			return MonitoredList{}, badRequest("unknown interface %q: it is not present and has no recorded traffic", n)
		}
		if !slices.Contains(clean, n) {
			clean = append(clean, n)
		}
	}
	b, _ := json.Marshal(clean)
	s.mu.Lock()
	if err := s.store.SetSettings(ctx, map[string]string{keyMonitored: string(b)}); err != nil {
		s.mu.Unlock()
		return MonitoredList{}, err
	}
	s.monitored = clean
	s.applyPolledLocked()
	recorded := slices.Concat(clean, slices.Collect(maps.Keys(s.recordedOnly)))
	s.mu.Unlock()
	// What the interfaces left out counted is written with their
	// checkpoints, which are then dropped: ticked again later, an
	// interface starts from a fresh baseline instead of counting the time
	// it was not monitored. The containers recorded without being ticked
	// keep theirs, or a crash before the next write would lose their
	// traffic since.
	if err := s.flush(ctx); err == nil {
		if err := s.store.KeepCheckpoints(ctx, recorded); err != nil {
			s.log.Warn("could not drop stale checkpoints", "err", err)
		}
	}
	// A poll now takes the baselines of the interfaces added and stores
	// them before the answer: from then on a crash loses none of their
	// traffic.
	s.poller.Poll(ctx)
	s.log.Info("monitored interfaces changed", "interfaces", clean)
	return MonitoredList{Interfaces: slices.Clone(clean)}, nil
}

// Settings returns the display settings.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	out := defaultSettings
	for key, dst := range map[string]*string{"rate_unit": &out.RateUnit, "unit_prefix": &out.UnitPrefix, "theme": &out.Theme,
		"language": &out.Language, "desktop_notifications": &out.DesktopNotifications, keyRecordContainers: &out.RecordContainers} {
		v, ok, err := s.store.Setting(ctx, key)
		if err != nil {
			return Settings{}, err
		}
		if ok && slices.Contains(settingChoices[key], v) {
			*dst = v
		}
	}
	return out, nil
}

// UpdateSettings changes some settings; an unknown key or value changes
// nothing and is an error.
func (s *Service) UpdateSettings(ctx context.Context, patch map[string]string) (Settings, error) {
	if err := ValidateSettings(patch); err != nil {
		return Settings{}, err
	}
	if err := s.store.SetSettings(ctx, patch); err != nil {
		return Settings{}, err
	}
	if v, ok := patch[keyRecordContainers]; ok {
		s.setRecordContainers(v == "on")
	}
	return s.Settings(ctx)
}

// ValidateSettings checks a settings patch.
func ValidateSettings(patch map[string]string) error {
	if len(patch) == 0 {
		return badRequest("no settings given; known keys: " + knownSettings)
	}
	for k, v := range patch {
		choices, ok := settingChoices[k]
		if !ok {
			return badRequest("unknown setting %q; known keys: %s", k, knownSettings)
		}
		if !slices.Contains(choices, v) {
			return badRequest("%s: %q is not one of %v", k, v, choices)
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
