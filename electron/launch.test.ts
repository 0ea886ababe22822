import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.join(import.meta.dirname, '..');
const installed = existsSync(path.join(root, 'node_modules', 'electron', 'path.txt'));

describe('npm start', () => {
  // Where Electron's binary could not be downloaded (here, CI): one sentence naming the way in, no stack trace.
  it.skipIf(installed)(
    'says in one sentence to use npm run serve when Electron is not installed',
    async () => {
      const failure = await run(process.execPath, ['--import', 'tsx', 'electron/launch.ts'], {
        cwd: root,
      }).then(
        () => null,
        (e: { code: number; stderr: string }) => e,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr.trim().split('\n')).toHaveLength(1);
      expect(failure?.stderr).toContain('npm run serve');
      expect(failure?.stderr).not.toMatch(/\n\s+at /);
    },
  );
});
