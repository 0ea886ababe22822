import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../model/model-paths.ts';

const eslint = new ESLint({ cwd: projectRoot() });

async function restricted(filePath: string, code: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath });
  return result?.messages.filter((m) => m.ruleId === 'no-restricted-imports').length ?? 0;
}

describe('process boundaries (lint)', () => {
  it('stop the renderer from importing Node, Electron, native modules, tfjs or main-process code', async () => {
    for (const source of [
      "import fs from 'node:fs';",
      "import fs from 'fs';",
      "import { ipcRenderer } from 'electron';",
      "import sharp from 'sharp';",
      "import Database from 'better-sqlite3';",
      "import * as tf from '@tensorflow/tfjs';",
      "import { handlers } from '../../electron/api/handlers/index.ts';",
      "import { preprocess } from '../../model/preprocess.ts';",
    ]) {
      expect(await restricted('renderer/src/probe.ts', `${source}\nexport {};\n`), source).toBe(1);
    }
  });

  it('let the renderer import the API contract', async () => {
    expect(
      await restricted(
        'renderer/src/probe.ts',
        "import type { Patient } from '../../electron/api/contract/types.ts';\nexport type P = Patient;\n",
      ),
    ).toBe(0);
  });

  it('stop model/ and training/ from importing Electron or the app', async () => {
    expect(
      await restricted('model/probe.ts', "import { app } from 'electron';\nexport const a = app;\n"),
    ).toBe(1);
    expect(
      await restricted(
        'training/probe.ts',
        "import { handlers } from '../electron/api/handlers/index.ts';\nexport const h = handlers;\n",
      ),
    ).toBe(1);
  });

  it('keep the API contract free of dependencies', async () => {
    expect(
      await restricted('electron/api/contract/probe.ts', "import { z } from 'zod';\nexport const s = z;\n"),
    ).toBeGreaterThan(0);
  });
});
