// `npm run grade -- <files or folders> [--json] [--model DIR] [--workers N] [--backend auto|onnx|wasm|…]`
// Grades photographs (and DICOM files, each frame, with the eye from the header) headlessly with the same preprocessing, quality gate, model and worker pool as the app.
import { isReferable } from '../../domain/referable.ts';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { eyeFromFileName } from '../../domain/eye.ts';
import { isDicom, readDicom } from '../image/dicom.ts';
import { DICOM_EXTENSIONS, IMAGE_EXTENSIONS, listImageFiles } from '../image/list-images.ts';
import type { GradedImage } from '../inference/types.ts';
import { GradingPool, defaultPoolSize } from '../worker/grading-pool.ts';
import { activeModelDir } from '../inference/model-paths.ts';
import { ENGINE_CHOICES, parseEngineChoice, type EngineChoice } from '../inference/engine.ts';

import { errorLine } from './error-line.ts';

const USAGE =
  `Usage: npm run grade -- <files or folders> [--json] [--model DIR] [--workers N] [--backend ${ENGINE_CHOICES.join('|')}]\n` +
  '   or: npm run grade -- --pacs http://USER:PASSWORD@HOST:PORT/dicom-web [--watch]   (a PACS grading worker; --pacs --help)';

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

function toLine(
  file: string,
  graded: GradedImage,
  eye: 'OD' | 'OS' | null = eyeFromFileName(file),
): GradeLine {
  return {
    file,
    eye,
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

function human(line: GradeLine): string {
  const name = path.basename(line.file).padEnd(28);
  const eye = (line.eye ?? '—').padEnd(3);
  if (line.error) return `${name} ${eye} ERROR ${line.error.code}: ${line.error.message}`;
  if (!line.gradable) return `${name} ${eye} UNGRADABLE (${line.quality?.reasons.join(', ')})`;
  const flag = line.referable ? '  REFERABLE' : '';
  return `${name} ${eye} grade ${line.grade}  referable ${((line.referableProbability ?? 0) * 100).toFixed(1).padStart(5)}%${flag}  ${line.ms} ms`;
}

/** Grades the files and folders named in `args` (the command line after `npm run grade --`); the exit code. */
export async function gradeFilesCli(args: string[] = process.argv.slice(2)): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      model: { type: 'string' },
      workers: { type: 'string' },
      backend: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || positionals.length === 0) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  let engine: EngineChoice;
  try {
    engine = parseEngineChoice(values.backend ?? process.env.EYENET_BACKEND);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const { files, missing } = await listImageFiles(positionals);
  if (files.length === 0 && missing.length === 0) {
    console.error(
      `No photographs found in ${positionals.join(', ')} or its sub-folders ` +
        `(looked for ${[...IMAGE_EXTENSIONS, ...DICOM_EXTENSIONS].join(' ')}).`,
    );
    return 1;
  }
  const modelDir = values.model ? path.resolve(values.model) : activeModelDir();
  // Each worker holds a model and a photograph in memory: more workers than cores only adds memory (16 asked
  // for took 3.6 GB here before this cap; npm run bench, memory part), never speed.
  const asked = values.workers ? Math.max(1, Number(values.workers) || 1) : defaultPoolSize();
  const workers = Math.min(asked, defaultPoolSize(), files.length || 1);
  if (asked > defaultPoolSize())
    console.error(`Using ${workers} worker(s), not ${asked}: this machine has ${defaultPoolSize()} core(s).`);
  const pool = await GradingPool.start({ modelDir, size: workers, engine });
  if (!values.json) {
    console.error(
      `model ${pool.model.name} ${pool.model.version}${pool.model.validated ? '' : ' — NOT VALIDATED, grades are not meaningful'}` +
        ` · backend ${pool.backend} · ${workers} worker(s) · ${files.length} file(s)`,
    );
    if (pool.engineNote) console.error(pool.engineNote);
  }
  let failed = missing.length;
  const emit = (line: GradeLine) => console.log(values.json ? JSON.stringify(line) : human(line));
  for (const problem of missing)
    emit({ file: problem.path, eye: null, error: { code: problem.code, message: problem.message } });

  // One photograph per worker at a time, printed in input order. Handing every file to the pool at once would
  // make each line's time include the waiting for all the others (a 10 s batch of 20 printed ~9 s per photograph),
  // and hold every file in memory together.
  const lines = files.map(() => {
    let resolve: (lines: GradeLine[]) => void = () => undefined;
    const promise = new Promise<GradeLine[]>((r) => (resolve = r));
    return { promise, resolve };
  });
  /** A photograph is one line; a DICOM file one per frame, with the eye from its header. */
  const gradeFile = async (file: string): Promise<GradeLine[]> => {
    const bytes = new Uint8Array(await readFile(file));
    if (!isDicom(bytes)) return [toLine(file, await pool.grade(bytes))];
    const dicom = readDicom(bytes);
    const out: GradeLine[] = [];
    for (let frame = 0; frame < dicom.header.frames; frame++) {
      const name = dicom.header.frames > 1 ? `${file} [frame ${frame + 1} of ${dicom.header.frames}]` : file;
      out.push(toLine(name, await pool.grade(await dicom.framePng(frame)), dicom.header.eye));
    }
    return out;
  };
  let next = 0;
  const run = async () => {
    while (next < files.length) {
      const index = next++;
      const file = files[index]!;
      try {
        lines[index]!.resolve(await gradeFile(file));
      } catch (error) {
        lines[index]!.resolve([errorLine(file, error)]);
      }
    }
  };
  const runners = Array.from({ length: workers }, run);
  for (const { promise } of lines)
    for (const line of await promise) {
      if (line.error) failed++;
      emit(line);
    }
  await Promise.all(runners);
  await pool.close();
  if (failed > 0 && !values.json) console.error(`${failed} file(s) failed.`);
  return failed > 0 ? 1 : 0;
}

// Run as a script (the tests spawn it), not when app/grade-cli.ts imports it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exitCode = await gradeFilesCli();
