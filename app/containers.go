package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/netpulse/netpulse/collector"
)

// keyRecordContainers is the setting "record every container": on, each
// container interface found is recorded without being ticked, beyond the
// selection's 64 names.
const keyRecordContainers = "record_containers"

// containerScanInterval is how often /proc may be walked for containers,
// when the walk could find something new (collector.Containers.Due). A
// walk looks at every process (PERFORMANCE.md, "Containers"), so it is not
// done per poll; a container started in between is counted from zero when
// found (collector.Poller.Expect), so nothing of its traffic is lost.
const containerScanInterval = 30 * time.Second

// recordedOnlyPeriod is how often interfaces recorded without being
// monitored are read. They are stored from minute buckets up and not shown
// live, so reading them every second would buy nothing but CPU: with many
// containers, the kernel generating their net/dev files every second was
// most of the daemon's cost (PERFORMANCE.md, "Containers"). Their peaks are
// averages over this period.
const recordedOnlyPeriod = 10 * time.Second

// ContainerInfo names the container an interface lives in.
type ContainerInfo struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Runtime string `json:"runtime"`
}

// scanContainers looks for containers and brings the polled names up to
// date. Namespaces born since the last scan are counted from zero.
func (s *Service) scanContainers(ctx context.Context) {
	if !s.containers.Due(time.Now()) {
		return
	}
	born, err := s.containers.Scan(ctx)
	// Expect waits for a running poll, which takes s.mu: it is called
	// before s.mu is taken.
	s.poller.Expect(born)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil && s.scanErr == "" {
		s.log.Warn("cannot look for containers", "err", err)
	}
	s.scanErr = ""
	if err != nil {
		s.scanErr = err.Error()
	}
	// On an error the containers of the last scan stay as they were.
	s.applyPolledLocked()
	s.noteContainersLocked(time.Now())
}

// containerSeriesKept is how long /metrics keeps a container's series after
// the last scan that found it: long enough for Prometheus to take its final
// total, short enough that throwaway containers (every `docker run` without
// --name is a new name) do not pile up as series for ever.
const containerSeriesKept = time.Hour

// noteContainersLocked records which container entries the scan found at
// now, and forgets those gone for longer than containerSeriesKept. s.mu is
// held.
func (s *Service) noteContainersLocked(now time.Time) {
	if s.containersSeen == nil {
		s.containersSeen = map[string]time.Time{}
	}
	for _, n := range s.containerNames() {
		s.containersSeen[n] = now
	}
	for n, at := range s.containersSeen {
		if now.Sub(at) > containerSeriesKept {
			delete(s.containersSeen, n)
		}
	}
}

// inMetrics tells whether /metrics shows the entry: a host interface
// always, a container's while this process has seen it within
// containerSeriesKept. Its history stays in the API either way.
func (s *Service) inMetrics(name string) bool {
	if !collector.IsContainerEntry(name) {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.containersSeen[name]
	return ok && time.Since(at) <= containerSeriesKept
}

// applyPolledLocked hands the poller the selection plus, when every
// container is recorded, each container interface present. s.mu is held.
func (s *Service) applyPolledLocked() {
	var names []string
	only := map[string]bool{}
	if s.recordContainers {
		for _, n := range s.containerNames() {
			if !slices.Contains(s.monitored, n) {
				names = append(names, n)
				only[n] = true
			}
		}
	}
	s.poller.SetSelection(s.monitored, names, recordedOnlyPeriod, s.cfg.Interval)
	s.recordedOnly = only
}

// recordedOnlySet returns the names recorded without being monitored
// (containers, by "record every container"): stored from one-minute
// detail up (storage.Record.SkipRaw), not in the live view, which shows
// the monitored interfaces. The map is never modified.
func (s *Service) recordedOnlySet() map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.recordedOnly
}

// containerNames lists the interfaces inside the containers found.
func (s *Service) containerNames() []string {
	var out []string
	for _, n := range s.containers.Networks() {
		for _, i := range n.Interfaces {
			out = append(out, collector.EntryName(n.Name, i))
		}
	}
	return out
}

// containerInterfaces lists the container interfaces present as entries
// of /api/interfaces.
func (s *Service) containerInterfaces(monitored map[string]bool) []Interface {
	var out []Interface
	s.mu.Lock()
	record := s.recordContainers
	s.mu.Unlock()
	for _, n := range s.containers.Networks() {
		for _, i := range n.Interfaces {
			name := collector.EntryName(n.Name, i)
			out = append(out, Interface{
				Name: name, Addresses: []string{}, Up: true, Kind: "container", Present: true,
				Monitored: monitored[name], Recorded: monitored[name] || record,
				Container: &ContainerInfo{ID: n.ID, Name: n.Name, Runtime: n.Runtime},
			})
		}
	}
	return out
}

// setRecordContainers applies the setting "record every container".
func (s *Service) setRecordContainers(on bool) {
	s.mu.Lock()
	s.recordContainers = on
	s.applyPolledLocked()
	s.mu.Unlock()
}

// containerMetadata is where the runtimes' names are read, if anywhere.
func (c Config) containerMetadata() collector.ContainerMetadata {
	return collector.ContainerMetadata{Docker: c.DockerContainers, Podman: c.PodmanContainers}
}

// loadContainerSettings reads "record every container" (on unless turned
// off) and the aliases.
func (s *Service) loadContainerSettings(ctx context.Context) error {
	v, ok, err := s.store.Setting(ctx, keyRecordContainers)
	if err != nil {
		return err
	}
	s.recordContainers = !ok || v != "off"
	return s.loadAliases(ctx)
}

// absentInterface is an entry of /api/interfaces for a name known from
// history or the selection but not present now.
func absentInterface(name string, monitored bool) Interface {
	i := Interface{Name: name, Addresses: []string{}, Monitored: monitored, Recorded: monitored}
	if container, _, ok := strings.Cut(name, "/"); ok {
		i.Kind, i.Container = "container", &ContainerInfo{Name: container}
	}
	return i
}
