// The rooms' import rules (eslint.config.js), tested with probe snippets so a rule that stops working fails here.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../model/inference/model-paths.ts';
import { importCircles, importGraph } from './import-cycles.ts';

const eslint = new ESLint({ cwd: projectRoot() });

async function restricted(filePath: string, code: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath });
  return result?.messages.filter((m) => m.ruleId === 'no-restricted-imports').length ?? 0;
}

const probe = (source: string) => `${source}\nexport {};\n`;

describe('process boundaries (lint)', () => {
  it('stop the renderer from importing Node, Electron, native modules, tfjs or main-process code', async () => {
    for (const source of [
      "import fs from 'node:fs';",
      "import fs from 'fs';",
      "import { ipcRenderer } from 'electron';",
      "import sharp from 'sharp';",
      "import Database from 'better-sqlite3';",
      "import * as tf from '@tensorflow/tfjs';",
      "import { handlers } from '../../app/api/handlers/index.ts';",
      "import { preprocess } from '../../model/preprocess/preprocess.ts';",
      "import { train } from '../../training/fine-tune/trainer.ts';",
      "import { IPC_INVOKE } from '../../electron/ipc-channel.ts';",
    ]) {
      expect(await restricted('renderer/src/probe.ts', probe(source)), source).toBe(1);
    }
  });

  it('let the renderer import the API contract and the vocabulary', async () => {
    for (const source of [
      "import type { Patient } from '../../contract/index.ts';",
      "import { GRADE_NAMES } from '../../domain/grades.ts';",
    ]) {
      expect(await restricted('renderer/src/probe.ts', probe(source)), source).toBe(0);
    }
  });

  it("let only electron/ import 'electron'", async () => {
    const source = "import { app } from 'electron';";
    for (const file of [
      'app/probe.ts',
      'model/probe.ts',
      'training/probe.ts',
      'e2e/probe.ts',
      'domain/probe.ts',
    ]) {
      expect(await restricted(file, probe(source)), file).toBeGreaterThan(0);
    }
    expect(await restricted('electron/probe.ts', probe(source))).toBe(0);
  });

  it('stop model/ and training/ from importing the app', async () => {
    for (const [file, source] of [
      ['training/probe.ts', "import { handlers } from '../app/api/handlers/index.ts';"],
      ['model/cli/probe.ts', "import { openDatabase } from '../../app/db/database.ts';"],
      ['model/probe.ts', "import { IPC_INVOKE } from '../electron/ipc-channel.ts';"],
    ]) {
      expect(await restricted(file!, probe(source!)), source).toBe(1);
    }
    expect(await restricted('model/probe.ts', probe("import { EYES } from '../domain/eye.ts';"))).toBe(0);
  });

  it('stop app/ from importing the Electron wiring or the page', async () => {
    expect(
      await restricted('app/probe.ts', probe("import { createMainWindow } from '../electron/window.ts';")),
    ).toBe(1);
    expect(await restricted('app/probe.ts', probe("import x from '../renderer/src/lib/format.ts';"))).toBe(1);
  });

  it('let app/ reach the model package only through model/index.ts', async () => {
    const inner = "import { preprocess } from '../../model/preprocess/preprocess.ts';";
    expect(await restricted('app/services/probe.ts', probe(inner))).toBe(1);
    const publicFace = "import { GradingPool } from '../../model/index.ts';";
    expect(await restricted('app/services/probe.ts', probe(publicFace))).toBe(0);
  });

  it('keep the vocabulary free of every import and the contract free of all but the vocabulary', async () => {
    for (const [file, source] of [
      ['domain/probe.ts', "import { z } from 'zod';"],
      ['domain/probe.ts', "import type { Patient } from '../contract/index.ts';"],
      ['domain/probe.ts', "import path from 'node:path';"],
      ['contract/probe.ts', "import { z } from 'zod';"],
      ['contract/probe.ts', "import { preprocess } from '../model/preprocess/preprocess.ts';"],
    ]) {
      expect(await restricted(file!, probe(source!)), `${file}: ${source}`).toBeGreaterThan(0);
    }
    expect(await restricted('domain/probe.ts', probe("import { EYES } from './eye.ts';"))).toBe(0);
    expect(await restricted('contract/probe.ts', probe("import type { Eye } from '../domain/eye.ts';"))).toBe(
      0,
    );
  });
});

describe('rooms (import circles)', () => {
  it('has no circle of imports, type imports included', () => {
    expect(importCircles(importGraph(projectRoot()))).toEqual([]);
  });

  it('finds a circle when there is one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(importCircles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });
});
