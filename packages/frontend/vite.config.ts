import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Behind the dev stack's Caddy (deploy/compose.dev.override.yml) the dev server is reached as
// https://app.localhost: it must accept that host, point HMR at Caddy's port, and serve the
// config.json the container wrote (VITE_PUBLIC_DIR).
const hmrClientPort = process.env.VITE_HMR_CLIENT_PORT;

export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['@bot-mox/source'] },
  publicDir: process.env.VITE_PUBLIC_DIR ?? 'public',
  server: {
    allowedHosts: ['.localhost'],
    hmr: hmrClientPort ? { clientPort: Number(hmrClientPort), protocol: 'wss' } : undefined,
  },
  // The real budget is bench:frontend (initial <= 200 KB gz); vite's 500 KB raw warning is not it.
  build: { outDir: 'dist', sourcemap: true, manifest: true, chunkSizeWarningLimit: 600 },
});
