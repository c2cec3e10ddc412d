/**
 * Builds the operator UI (web/) into dist/web/, which the server serves with @fastify/static.
 * Everything the page needs ships in that folder: no tile, font, glyph or sprite from the
 * internet. The basemap (Natural Earth, US Census states, the Rio Grande) is generated from
 * devDependencies by scripts/basemap.mjs and emitted as dist/web/basemap.json.
 *
 *   npm run build:web                    production build
 *   CENTINELA_API=http://localhost:8080 npx vite -c web/vite.config.ts   dev server, /api proxied
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { buildBasemap } from '../scripts/basemap.mjs';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

function basemapPlugin(): Plugin {
  let json: string | null = null;
  const get = (): string => (json ??= JSON.stringify(buildBasemap()));
  return {
    name: 'centinela-basemap',
    configureServer(server) {
      server.middlewares.use('/basemap.json', (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(get());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'basemap.json', source: get() });
    },
  };
}

const api = process.env.CENTINELA_API ?? 'http://localhost:8080';

export default defineConfig({
  root: here('.'),
  base: './',
  publicDir: false,
  resolve: {
    // milsymbol's package exports only its everything-bundle; the UI needs the core and the
    // 2525D number SIDCs (about a third of the size), so import its ES sources directly.
    alias: [{ find: /^milsymbol\/src\/(.*)$/, replacement: `${here('../node_modules/milsymbol/src/')}$1` }],
  },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
  },
  plugins: [basemapPlugin()],
  server: {
    proxy: {
      '/api': { target: api, ws: true, changeOrigin: true },
      '/health': api,
    },
  },
});
