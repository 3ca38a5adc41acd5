package app

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Aliases are display names for interfaces and containers, kept as one
// JSON object in the settings table.
const (
	keyAliases  = "aliases"
	maxAliasLen = 64 // characters
	maxAliases  = 256
)

// AliasList is the body of GET and POST /api/config/aliases.
type AliasList struct {
	Aliases map[string]string `json:"aliases"`
}

// loadAliases reads the stored aliases at start.
func (s *Service) loadAliases(ctx context.Context) error {
	v, ok, err := s.store.Setting(ctx, keyAliases)
	if err != nil {
		return err
	}
	aliases := map[string]string{}
	if ok {
		if err := json.Unmarshal([]byte(v), &aliases); err != nil {
			return fmt.Errorf("stored aliases are damaged (%q): %w", v, err)
		}
	}
	s.mu.Lock()
	s.aliases = aliases
	s.mu.Unlock()
	return nil
}

// aliasMap returns the aliases by name. The map is never modified: a
// change replaces it.
func (s *Service) aliasMap() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.aliases
}

// Aliases returns every alias.
func (s *Service) Aliases(context.Context) (AliasList, error) {
	return AliasList{Aliases: maps.Clone(s.aliasMap())}, nil
}

// SetAliases sets the aliases in patch; an empty alias removes one. Every
// name must be one a selection may hold (or already have an alias, to
// remove it); on any error nothing changes.
func (s *Service) SetAliases(ctx context.Context, patch map[string]string) (AliasList, error) {
	if patch == nil {
		return AliasList{}, badRequest(`missing field "aliases" (an object of interface name to display name)`)
	}
	if len(patch) == 0 {
		return AliasList{}, badRequest("no aliases given")
	}
	s.aliasesMu.Lock()
	defer s.aliasesMu.Unlock()
	valid, err := s.names(ctx)
	if err != nil {
		return AliasList{}, err
	}
	next := maps.Clone(s.aliasMap())
	for name, alias := range patch {
		if name == "" || len(name) > maxNameLen {
			return AliasList{}, badRequest("interface name %q is empty or too long", name)
		}
		ok, err := valid.has(name)
		if err != nil {
			return AliasList{}, err
		}
		if _, had := next[name]; !ok && !(had && alias == "") {
			return AliasList{}, badRequest("unknown interface %q: it is not present and has no recorded traffic", name)
		}
		alias = strings.TrimSpace(alias)
		if err := checkAlias(name, alias); err != nil {
			return AliasList{}, err
		}
		if alias == "" {
			delete(next, name)
		} else {
			next[name] = alias
		}
	}
	if len(next) > maxAliases {
		return AliasList{}, badRequest("too many aliases: %d, at most %d", len(next), maxAliases)
	}
	b, _ := json.Marshal(next)
	if err := s.store.SetSettings(ctx, map[string]string{keyAliases: string(b)}); err != nil {
		return AliasList{}, err
	}
	s.mu.Lock()
	s.aliases = next
	s.mu.Unlock()
	return AliasList{Aliases: maps.Clone(next)}, nil
}

// oneLine reports whether s is valid UTF-8 without control characters: a
// name that can be shown on one line, in a menu or a label.
func oneLine(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}

// checkAlias refuses an alias that could not be shown on one line.
func checkAlias(name, alias string) error {
	switch {
	case !utf8.ValidString(alias):
		return badRequest("alias of %q is not valid UTF-8", name)
	case utf8.RuneCountInString(alias) > maxAliasLen:
		return badRequest("alias of %q is longer than %d characters", name, maxAliasLen)
	case strings.ContainsFunc(alias, unicode.IsControl):
		return badRequest("alias of %q holds a control character", name)
	}
	return nil
}
