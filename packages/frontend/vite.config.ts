import react from '@vitejs/plugin-react';
import { constants } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';

// Behind the dev stack's Caddy (deploy/compose.dev.override.yml) the dev server is reached as
// https://app.localhost: it must accept that host, point HMR at Caddy's port, and serve the
// config.json the container wrote (VITE_PUBLIC_DIR).
const hmrClientPort = process.env.VITE_HMR_CLIENT_PORT;

// Libraries in chunks of their own: they change less often than the app, so a deploy keeps
// them cached; the entry's modulepreload links fetch them in parallel with it.
const VENDOR_CHUNKS = [
  { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ },
  { name: 'auth', test: /node_modules[\\/]@supabase[\\/]/ },
  // zodJitless.ts rides with zod: the zod chunk then sets jitless before any other chunk builds a
  // schema (a shared chunk of contracts can run before the entry's own modules do), so zod
  // never probes `new Function` against the CSP.
  { name: 'zod', test: /node_modules[\\/]zod[\\/]|src[\\/]zodJitless\.ts$/ },
  { name: 'query', test: /node_modules[\\/]@tanstack[\\/]/ },
];

// Hashed assets compressed once, at build, at the highest levels (the image's Caddy serves the
// .br/.zst/.gz beside each file: docker/Caddyfile), instead of by the edge on every request at a
// fast level. Brotli 11 is about 15 % smaller than the edge's zstd here.
const PRECOMPRESS = compression({
  include: /\.(js|css)$/,
  threshold: 1024,
  algorithms: [
    defineAlgorithm('brotliCompress', { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    defineAlgorithm('zstandard', { params: { [constants.ZSTD_c_compressionLevel]: 19 } }),
    defineAlgorithm('gzip', { level: 9 }),
  ],
  logLevel: 'silent',
});

// main.tsx imports the contracts' modules and the app by dynamic import, one step per task
// (src/startup.ts). Vite would fetch each step's chunks only when its import runs, one after
// another; links in index.html fetch them all at once, in parallel with the entry (a
// modulepreload fetches and compiles, it does not evaluate). The lazy pages stay lazy: they are
// the app chunk's dynamic imports, not the entry's.
function preloadStartupSteps(): Plugin {
  let base = '/';
  return {
    name: 'bot-mox:preload-startup-steps',
    apply: 'build',
    configResolved(config) {
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle, chunk }) {
        if (!bundle || !chunk) return;
        const files = new Set<string>();
        const add = (file: string) => {
          if (files.has(file) || file === chunk.fileName || chunk.imports.includes(file)) return;
          files.add(file);
          const dep = bundle[file];
          if (dep?.type === 'chunk') dep.imports.forEach(add);
        };
        chunk.dynamicImports.forEach(add);
        return [...files].map((file) => ({
          tag: 'link',
          attrs: { rel: 'modulepreload', crossorigin: true, href: `${base}${file}` },
          injectTo: 'head' as const,
        }));
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), PRECOMPRESS, preloadStartupSteps()],
  resolve: { conditions: ['@bot-mox/source'] },
  publicDir: process.env.VITE_PUBLIC_DIR ?? 'public',
  server: {
    allowedHosts: ['.localhost'],
    hmr: hmrClientPort ? { clientPort: Number(hmrClientPort), protocol: 'wss' } : undefined,
  },
  // The real budget is bench:frontend (initial <= 200 KB gz); vite's 500 KB raw warning is not it.
  build: {
    outDir: 'dist',
    sourcemap: true,
    manifest: true,
    chunkSizeWarningLimit: 600,
    rolldownOptions: { output: { codeSplitting: { groups: VENDOR_CHUNKS } } },
  },
});
