import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import { settle } from '../lib/settle.testutil.js';
import ConfirmDelete from './ConfirmDelete.svelte';

let app;
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = '';
});

const button = (text) => [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === text);

// Enter on a button is a click; what matters is where the focus is after.
async function press(text) {
  const b = button(text);
  b.focus();
  b.click();
  await settle();
}

describe('ConfirmDelete keeps the keyboard focus', () => {
  function render(ondelete = vi.fn()) {
    app = mount(ConfirmDelete, { target: document.body, props: { name: 'Home', ondelete } });
    flushSync();
    return ondelete;
  }

  it('on Keep while asking, in a group that asks the question', async () => {
    render();
    await press('Delete');
    expect(document.activeElement).toBe(button('Keep'));
    expect(document.activeElement.closest('[role=group]').getAttribute('aria-label')).toBe('Delete "Home"?');
  });

  it('back on Delete after Keep', async () => {
    const ondelete = render();
    await press('Delete');
    await press('Keep');
    expect(document.activeElement).toBe(button('Delete'));
    expect(ondelete).not.toHaveBeenCalled();
  });

  it('on Delete after deleting, until the row goes', async () => {
    const ondelete = render();
    await press('Delete');
    await press('Delete "Home"');
    expect(ondelete).toHaveBeenCalledTimes(1);
    expect(document.activeElement).toBe(button('Delete'));
  });
});
