// Keyboard focus when what held it goes away.

/**
 * refocus moves the focus to el (made focusable by script, tabindex="-1",
 * if need be) when it was lost, as when the focused button's row is removed:
 * the browser then drops it on <body> and the keyboard user starts over at
 * the top. Focus the user has moved elsewhere meanwhile stays where it is.
 */
export function refocus(el) {
  const doc = el?.ownerDocument;
  if (!doc || (doc.activeElement && doc.activeElement !== doc.body)) return;
  if (!el.hasAttribute('tabindex') && el.tabIndex < 0) el.setAttribute('tabindex', '-1');
  el.focus();
}
