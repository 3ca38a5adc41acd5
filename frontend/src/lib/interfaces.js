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
