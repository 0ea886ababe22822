import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export { activeModelDir, projectRoot } from '../../model/index.ts';

/** Where `npm run serve` keeps its data when no --data-dir is given. */
export function defaultDataDir(): string {
  return process.env.EYENET_DATA_DIR ?? path.join(os.homedir(), '.eyenet');
}

export function packageVersion(root: string): string {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
