import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The same build is loaded by Electron from file:// and served by the headless control
// server, hence the relative base and a self-contained output folder.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // Electron and the bundled Chromium versions are recent; no legacy transforms needed.
    target: 'es2022',
    sourcemap: false,
  },
  server: { host: '127.0.0.1' },
});
