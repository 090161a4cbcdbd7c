import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** Renderer bundle: the same files serve Electron (file://) and the browser shell (http://127.0.0.1). */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
});
