import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built by `npm run bench` only, beside the app's renderer, with the same minification.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  logLevel: 'warn',
  plugins: [react()],
  build: { outDir: resolve(import.meta.dirname, '../../out/bench-baseline'), emptyOutDir: true, minify: true },
});
