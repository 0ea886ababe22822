import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { rendererAliases } from './aliases.config.ts';

// The renderer is a plain web app: Electron loads the built files from disk and `npm run serve` serves the
// same files over loopback HTTP. `base: './'` keeps asset URLs relative so both work.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte({ configFile: '../svelte.config.js' })],
  resolve: { alias: rendererAliases },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
  },
});
