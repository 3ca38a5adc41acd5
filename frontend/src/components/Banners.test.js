import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import Banners from './Banners.svelte';
import { health, online, retryAt } from '../stores/connection.js';

let app;
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = '';
  health.set(null);
  online.set(true);
  retryAt.set(null);
});

function render(props = {}) {
  app = mount(Banners, { target: document.body, props: { onretry: () => {}, ...props } });
  flushSync();
}

describe('Banners', () => {
  it('shows health warnings as a note and errors as an alert', () => {
    health.set({ status: 'degraded', warnings: ['Only the container network is visible.'], errors: ['the database cannot be written: disk full'] });
    render();
    const status = document.querySelector('[role=status]');
    const alert = document.querySelector('[role=alert]');
    expect(status.textContent).toContain('Only the container network is visible.');
    expect(alert.textContent).toContain('disk full');
  });

  it('shows nothing for a healthy server', () => {
    health.set({ status: 'ok' });
    render();
    expect(document.body.textContent.trim()).toBe('');
  });

  it('says when the server is unreachable and offers a retry', () => {
    const onretry = vi.fn();
    online.set(false);
    retryAt.set(performance.now() + 4000);
    health.set({ status: 'ok', warnings: ['stale warning'] });
    render({ onretry });
    const alert = document.querySelector('[role=alert]');
    expect(alert.textContent).toContain('Cannot reach the Net-Pulse server');
    expect(alert.textContent).toMatch(/next try in [34] s/);
    // Old health news is hidden while offline.
    expect(document.body.textContent).not.toContain('stale warning');
    alert.querySelector('button').click();
    expect(onretry).toHaveBeenCalledOnce();
  });

  it('clears itself when the server is back', () => {
    online.set(false);
    render();
    expect(document.querySelector('[role=alert]')).not.toBeNull();
    online.set(true);
    flushSync();
    expect(document.querySelector('[role=alert]')).toBeNull();
  });
});
