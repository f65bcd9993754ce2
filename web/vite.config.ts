/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig, normalizePath, type Plugin } from 'vite';
import { includePartials } from './partials/include';

const page = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The pages' shared markup (partials/include.ts), put in before Vite reads their scripts and stylesheet.
const partials: Plugin = {
  name: 'livecounter-partials',
  transformIndexHtml: { order: 'pre', handler: (html) => includePartials(html, page('.')) },
  // Vite reloads only the page whose own file changed; an edited partial belongs to every page.
  // (Vite names the changed file with forward slashes, on Windows too.)
  hotUpdate({ file }) {
    if (!file.startsWith(normalizePath(page('partials/')))) return;
    this.environment.hot.send({ type: 'full-reload' });
    return [];
  },
};

// `LIVECOUNTER_API_ORIGIN=http://localhost:5080 npm run dev` (Standalone's `Urls`, in
// Standalone/appsettings.json) serves the pages with hot reload and forwards /api (HTTP and the
// SignalR WebSocket) to a running host, keeping everything same-origin.
const apiOrigin = process.env.LIVECOUNTER_API_ORIGIN;

export default defineConfig({
  // Relative asset URLs, so the same dist works at a host's root or under any sub-path.
  base: './',
  plugins: [partials],
  build: {
    target: 'es2022',
    rolldownOptions: {
      input: {
        home: page('index.html'),
        counter: page('counter/index.html'),
        increment: page('increment/index.html'),
      },
      output: {
        // All pages share the one stylesheet; name it for what it is, not for a chunk that imports it.
        assetFileNames: (asset) =>
          asset.names.some((name) => name.endsWith('.css')) ? 'assets/styles-[hash][extname]' : 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: apiOrigin ? { proxy: { '/api': { target: apiOrigin, ws: true, changeOrigin: true } } } : {},
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    restoreMocks: true,
  },
});
