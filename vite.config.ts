import { defineConfig } from 'vite';

// The client lives in client/ and builds into dist/client, which server/main.ts serves (SPA
// fallback to index.html). In development `npm run dev` proxies the API and the basemap files to
// the server on :8080, so the browser only ever talks to one origin.
const server = 'http://127.0.0.1:8080';

export default defineConfig({
  root: 'client',
  publicDir: false,
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // MapLibre alone is ~1 MB minified; one chunk is what the page needs anyway.
    chunkSizeWarningLimit: 2500,
    reportCompressedSize: true,
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: {
    proxy: {
      '/api': server,
      '/tiles': server,
    },
  },
});
