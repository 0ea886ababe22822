// Bundles the Electron entry points. Dependencies stay external (node_modules ships with the app), so
// native modules (better-sqlite3, sharp) and tfjs's wasm files load from disk as usual.
import { build, type BuildOptions } from 'esbuild';

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['electron/main.ts'], format: 'esm', outfile: 'dist-electron/main.mjs' }),
  build({
    ...common,
    entryPoints: ['model/worker/grading-worker.ts'],
    format: 'esm',
    outfile: 'dist-electron/grading-worker.mjs',
  }),
  build({
    ...common,
    entryPoints: ['app/learning/fine-tune-worker.ts'],
    format: 'esm',
    outfile: 'dist-electron/fine-tune-worker.mjs',
  }),
  // Sandboxed preloads cannot be ES modules and can only require 'electron': bundle everything else in.
  build({
    ...common,
    packages: undefined,
    external: ['electron'],
    entryPoints: ['electron/preload.ts'],
    format: 'cjs',
    platform: 'browser',
    outfile: 'dist-electron/preload.cjs',
  }),
]);
console.log('built dist-electron/{main.mjs,preload.cjs,grading-worker.mjs,fine-tune-worker.mjs}');
