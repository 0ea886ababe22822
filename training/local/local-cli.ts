// The local fine-tune from the command line: `npm run train -- --init-model MODEL_DIR --images DIR --labels CSV
// --out DIR [--version V] [--operating-point P]` for a site that keeps its confirmed photographs as a labelled
// folder. The app's Models screen and `--from-db` run the same fineTuneLocal on the record's validated set.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readKaggleLabels } from '../data/dataset.ts';
import { formatSeconds, progressBar } from '../progress.ts';
import {
  fineTuneLocal,
  type LocalFineTuneResult,
  type LocalPhotograph,
  type LocalStage,
} from './fine-tune-local.ts';

export interface LocalCliOptions {
  initModel: string;
  out: string;
  version?: string;
  operatingPoint?: number | null;
}

/** A progress bar per stage on stderr. */
export function stageProgress(): (stage: LocalStage, done: number, total: number) => void {
  const bars = new Map<LocalStage, ReturnType<typeof progressBar>>();
  return (stage, done, total) => {
    if (!bars.has(stage)) bars.set(stage, progressBar(stage.padEnd(8)));
    bars.get(stage)!(done, total);
  };
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** The figures of a finished fine-tune, as a table: base and candidate on the same held-out patients. */
export function describeResult(r: LocalFineTuneResult): string {
  const row = (name: string, f: LocalFineTuneResult['base']) =>
    `| ${name} | ${f.referableAuc.toFixed(3)} (${f.auc95.low.toFixed(3)}–${f.auc95.high.toFixed(3)}) | ${pct(f.sensitivity)} | ${pct(f.specificity)} |`;
  return [
    `Candidate ${r.version} in ${r.outDir}`,
    `trained on ${r.training.photographs} photographs of ${r.training.patients} patients (by grade ${r.training.byGrade.join('/')}), λ ${r.training.lambda}`,
    `held out: ${r.base.photographs} photographs of ${r.base.patients} patients, ${r.base.referablePatients} with referable DR`,
    '',
    `| model | referable AUC (95% CI) | sensitivity at ${pct(r.base.threshold)} | specificity |`,
    '| --- | --- | --- | --- |',
    row('base', r.base),
    row('candidate', r.candidate),
    '',
    `the candidate's operating point for 90% sensitivity on these held-out patients: ${pct(r.derivedThreshold)} (shown, not applied)`,
    `features ${formatSeconds(r.seconds.features)}, training ${formatSeconds(r.seconds.training)}`,
  ].join('\n');
}

export async function runFolderFineTune(
  images: string,
  labels: string,
  options: LocalCliOptions,
): Promise<LocalFineTuneResult> {
  const { images: labelled, missing } = readKaggleLabels(path.resolve(labels), path.resolve(images));
  if (missing.length) console.error(`${missing.length} labelled image(s) not found, e.g. ${missing[0]}.`);
  const photographs: LocalPhotograph[] = labelled.map((image) => ({
    key: image.name,
    patient: image.patient,
    grade: image.level,
    read: async () => new Uint8Array(await readFile(image.file)),
  }));
  return fineTuneLocal(photographs, {
    initModelDir: path.resolve(options.initModel),
    outDir: path.resolve(options.out),
    version: options.version ?? `local-${new Date().toISOString().slice(0, 10)}`,
    operatingPoint: options.operatingPoint ?? null,
    onProgress: stageProgress(),
  });
}
