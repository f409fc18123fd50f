import { defineConfig } from 'vite';

// The page lives in src/ (index.html beside main.ts); `vite build` writes dist/ with relative
// asset paths, so the folder works from any static file server, at any path.
export default defineConfig({
  root: 'src',
  base: './',
  publicDir: '../public',
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
  },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
});
