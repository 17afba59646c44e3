import { defineConfig } from 'vite';

// Run from the repository root (npm run build): `vite build --config web/vite.config.ts`.
// The app imports its DOM-free logic from ../src/portal (Vite resolves the .js imports to .ts).
export default defineConfig({
  root: 'web',
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: '../dist-web',
    emptyOutDir: true,
    target: 'es2022',
    // Hashed names under /assets/: the server serves them with a year-long immutable cache.
    assetsDir: 'assets',
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
