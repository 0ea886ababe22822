// `npm run grade -- <files or folders> [--json] [--model DIR] [--workers N]`
// Grades photographs headlessly with the same preprocessing, quality gate, model and worker pool as the app.
import { isReferable } from '../../domain/referable.ts';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { eyeFromFileName } from '../../domain/eye.ts';
import { listImageFiles } from '../image/list-images.ts';
import type { GradedImage } from '../inference/types.ts';
import { GradingPool, defaultPoolSize } from '../worker/grading-pool.ts';
import { activeModelDir } from '../inference/model-paths.ts';

const USAGE = 'Usage: npm run grade -- <files or folders> [--json] [--model DIR] [--workers N]';

export interface GradeLine {
  file: string;
  eye: 'OD' | 'OS' | null;
  gradable?: boolean;
  quality?: GradedImage['quality'];
  grade?: number | null;
  probabilities?: number[] | null;
  referableProbability?: number | null;
  /** The model's operating point, and whether this eye is at or above it. */
  referableThreshold?: number | null;
  referable?: boolean | null;
  model?: GradedImage['model'];
  backend?: string;
  ms?: number;
  error?: { code: string; message: string };
}

function toLine(file: string, graded: GradedImage): GradeLine {
  return {
    file,
    eye: eyeFromFileName(file),
    gradable: graded.quality.gradable,
    quality: graded.quality,
    grade: graded.grade,
    probabilities: graded.probabilities?.map((p) => Math.round(p * 1e5) / 1e5) ?? null,
    referableProbability:
      graded.referableProbability === null ? null : Math.round(graded.referableProbability * 1e5) / 1e5,
    referableThreshold: graded.referableThreshold,
    referable: graded.referableProbability === null ? null : isReferable(graded),
    model: graded.model,
    backend: graded.backend,
    ms: Math.round(graded.timings.totalMs * 10) / 10,
  };
}

function errorLine(file: string, error: unknown): GradeLine {
  const code = (error as { code?: unknown }).code;
  return {
    file,
    eye: eyeFromFileName(file),
    error: {
      code: typeof code === 'string' ? code : 'ERROR',
      message: error instanceof Error ? error.message : String(error),
    },
  };
}

function human(line: GradeLine): string {
  const name = path.basename(line.file).padEnd(28);
  const eye = (line.eye ?? '—').padEnd(3);
  if (line.error) return `${name} ${eye} ERROR ${line.error.code}: ${line.error.message}`;
  if (!line.gradable) return `${name} ${eye} UNGRADABLE (${line.quality?.reasons.join(', ')})`;
  const flag = line.referable ? '  REFERABLE' : '';
  return `${name} ${eye} grade ${line.grade}  referable ${((line.referableProbability ?? 0) * 100).toFixed(1).padStart(5)}%${flag}  ${line.ms} ms`;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      model: { type: 'string' },
      workers: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || positionals.length === 0) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const { files, missing } = await listImageFiles(positionals);
  const modelDir = values.model ? path.resolve(values.model) : activeModelDir();
  const workers = values.workers
    ? Math.max(1, Number(values.workers) || 1)
    : Math.min(defaultPoolSize(), files.length || 1);
  const pool = await GradingPool.start({ modelDir, size: workers });
  if (!values.json) {
    console.error(
      `model ${pool.model.name} ${pool.model.version}${pool.model.validated ? '' : ' — NOT VALIDATED, grades are not meaningful'}` +
        ` · backend ${pool.backend} · ${workers} worker(s) · ${files.length} file(s)`,
    );
  }
  let failed = missing.length;
  const emit = (line: GradeLine) => console.log(values.json ? JSON.stringify(line) : human(line));
  for (const file of missing)
    emit(errorLine(file, Object.assign(new Error('No such file or folder.'), { code: 'NOT_FOUND' })));

  // Grade concurrently (the pool spreads work over its workers) but print in input order.
  const pending = files.map(async (file) => {
    try {
      return toLine(file, await pool.grade(new Uint8Array(await readFile(file))));
    } catch (error) {
      return errorLine(file, error);
    }
  });
  for (const linePromise of pending) {
    const line = await linePromise;
    if (line.error) failed++;
    emit(line);
  }
  await pool.close();
  if (failed > 0 && !values.json) console.error(`${failed} file(s) failed.`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
