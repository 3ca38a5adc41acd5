// Ordering and labels for the interface list in Settings.

import { translate } from './i18n.js';

const KINDS = ['physical', 'loopback', 'bridge', 'bond', 'vlan', 'tunnel', 'veth', 'virtual'];

/** kindWords names an interface kind for people, in the locale of tr; "" when unknown. */
export function kindWords(kind, tr = (key) => translate('en', key)) {
  return KINDS.includes(kind) ? tr(`if.kind.${kind}`) : '';
}

/**
 * sortInterfaces puts the default-route interface first, then present ones,
 * then loopback, then the absent ones, each group by name.
 */
export function sortInterfaces(list) {
  const rank = (i) => (i.default_route ? 0 : !i.present ? 3 : i.loopback ? 2 : 1);
  return [...list].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/** sameSet reports whether two name lists hold the same names. */
export function sameSet(a, b) {
  const sa = new Set(a);
  return sa.size === new Set(b).size && [...sa].every((x) => b.includes(x));
}

/** displayName is a name's alias, or the name when it has none. */
export function displayName(name, aliases) {
  const a = aliases?.[name];
  return a ? a : name;
}

/**
 * groupInterfaces splits the list into the host's interfaces and those
 * inside containers (kind "container"), each sorted as sortInterfaces does.
 */
export function groupInterfaces(list) {
  const isContainer = (i) => i.kind === 'container';
  return {
    host: sortInterfaces(list.filter((i) => !isContainer(i))),
    containers: sortInterfaces(list.filter(isContainer)),
  };
}

/**
 * keepEdits takes the server's fresh values (after: name → value) and puts
 * back what the user changed in the form meanwhile: a value in draft that
 * differs from what the server said before is an unsaved edit and wins.
 * Names the server no longer lists are dropped, new ones come as the server
 * has them. A reload after a reconnect thus keeps the user's ticks and
 * drafts.
 */
export function keepEdits(draft, before, after) {
  const out = {};
  for (const [name, value] of Object.entries(after)) {
    const edited = name in draft && name in before && draft[name] !== before[name];
    out[name] = edited ? draft[name] : value;
  }
  return out;
}
