import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['@bot-mox/source'] },
  build: { outDir: 'dist', sourcemap: true },
});
