// `npm start`: runs the built app in Electron, or says in one sentence what to do where Electron's binary is
// missing (its download is blocked on some networks, and in this project's CI). It reads the electron package's
// own record of its binary instead of importing the package, which would try the download again and print a
// stack trace.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const NO_ELECTRON =
  "Electron's program is not installed here (its download failed or was blocked), so the desktop app cannot " +
  'start: run `npm run serve` instead and open the address it prints in a browser to use EyeNet.';

function electronBinary(): string | null {
  try {
    const packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const recorded = path.join(packageDir, 'path.txt');
    if (!existsSync(recorded)) return null;
    const binary = path.join(packageDir, 'dist', readFileSync(recorded, 'utf8').trim());
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (!binary) {
  console.error(NO_ELECTRON);
  process.exit(1);
}
const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
