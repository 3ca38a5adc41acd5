import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('./dist', import.meta.url));

// The Go binary embeds frontend/dist, which must exist (with .gitkeep) even
// before the first build; vite empties the folder, so put the file back.
const keepGitkeep = {
  name: 'netpulse-keep-gitkeep',
  apply: 'build',
  closeBundle() {
    writeFileSync(`${dist}/.gitkeep`, '');
  },
};

export default defineConfig({
  // Relative asset paths work behind a reverse proxy under a sub-path and in
  // the desktop window alike.
  base: './',
  plugins: [svelte(), keepGitkeep],
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  build: {
    outDir: dist,
    emptyOutDir: true,
    target: 'es2022',
    // The Content-Security-Policy forbids inline script; no polyfill needed
    // for the browsers (and webviews) this runs in.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: { '/api': { target: process.env.NETPULSE_URL ?? 'http://127.0.0.1:8080', changeOrigin: false } },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.js'],
    // One jsdom per worker instead of one per file: setting up jsdom costs
    // far more than the tests, which keep no state between files.
    isolate: false,
  },
});
