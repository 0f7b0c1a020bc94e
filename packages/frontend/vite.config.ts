import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['@bot-mox/source'] },
  // The real budget is bench:frontend (initial <= 200 KB gz); vite's 500 KB raw warning is not it.
  build: { outDir: 'dist', sourcemap: true, manifest: true, chunkSizeWarningLimit: 600 },
});
