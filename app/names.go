package app

import (
	"context"
	"maps"

	"github.com/netpulse/netpulse/collector"
)

// nameSet is the one rule for which interface names are valid, in a
// selection, an alias or a traffic query: a name is valid when it is
// monitored, known from recorded history, or present now (an interface of
// the OS or of a container found). Listing the OS's interfaces is the
// costly part, so it is done only when the cheap sources lack a name, or
// when the caller needs the list itself (Interfaces).
type nameSet struct {
	ctx       context.Context
	s         *Service
	monitored map[string]bool
	known     []string                  // with recorded traffic
	present   []collector.InterfaceInfo // the OS's, once listed
	listed    bool
	valid     map[string]bool
}

// names starts a nameSet from the cheap sources.
func (s *Service) names(ctx context.Context) (*nameSet, error) {
	known, err := s.store.KnownInterfaces(ctx)
	if err != nil {
		return nil, err
	}
	monitored := s.monitoredSet()
	v := &nameSet{ctx: ctx, s: s, monitored: monitored, known: known, valid: maps.Clone(monitored)}
	for _, n := range known {
		v.valid[n] = true
	}
	return v, nil
}

// has reports whether name is valid.
func (v *nameSet) has(name string) (bool, error) {
	if v.valid[name] || v.listed {
		return v.valid[name], nil
	}
	if err := v.list(); err != nil {
		return false, err
	}
	return v.valid[name], nil
}

// list adds the interfaces present now, the OS's and the containers'.
func (v *nameSet) list() error {
	if v.listed {
		return nil
	}
	present, err := collector.Interfaces(v.ctx, v.s.paths)
	if err != nil {
		return err
	}
	v.present, v.listed = present, true
	for _, p := range present {
		v.valid[p.Name] = true
	}
	for _, n := range v.s.containerNames() {
		v.valid[n] = true
	}
	return nil
}
