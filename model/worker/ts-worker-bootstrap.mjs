// Runs a TypeScript worker entry from source (CLIs under tsx, tests under vitest). Node cannot load a .ts
// file as a worker's entry, and loader flags are not inherited reliably by worker threads on Node 20, so this
// plain-JS entry imports the real one through tsx. Packaged builds bundle the worker and never use this file.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.tsEntry, import.meta.url);
