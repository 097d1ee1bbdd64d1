import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The page is served by the web server under /ui/ (index also at /), so built asset URLs carry
// that base. Output sits beside the sources and is what src/web/serve-ui.ts serves by default.
export default defineConfig({
  root: fileURLToPath(new URL('./page', import.meta.url)),
  base: '/ui/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // The page is for current laptop and tablet browsers; no legacy transforms.
    target: 'es2022',
    sourcemap: true,
  },
});
