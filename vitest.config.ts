import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';
import { rendererAliases } from './aliases.config.ts';

export default defineConfig({
  // Compiles the renderer's `*.svelte.ts` state classes (runes) so their logic is tested under Node.
  plugins: [svelte({ configFile: './svelte.config.js' })],
  resolve: { conditions: ['browser'], alias: rendererAliases },
  test: {
    include: [
      'domain/**/*.test.ts',
      'contract/**/*.test.ts',
      'app/**/*.test.ts',
      'lint/**/*.test.ts',
      'electron/**/*.test.ts',
      'model/**/*.test.ts',
      'training/**/*.test.ts',
      'renderer/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
