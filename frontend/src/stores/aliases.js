// Display names for interfaces and containers, shared by every component
// that shows a name.

import { writable } from 'svelte/store';

/** aliases maps an interface name to its display name. */
export const aliases = writable({});

/** loadAliases replaces the aliases with the server's. */
export async function loadAliases(transport) {
  const res = await transport.aliases();
  aliases.set(res?.aliases ?? {});
}

/** saveAliases sets some aliases ("" removes one) and keeps the server's answer. */
export async function saveAliases(transport, patch) {
  const res = await transport.setAliases(patch);
  aliases.set(res?.aliases ?? {});
  return res;
}
