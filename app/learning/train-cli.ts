// `npm run train`: one entry for the three ways to train.
//   --from-db DATA_DIR [--out DIR] [--version V]   fine-tune the active model on a data folder's validated set
//   --init-model DIR --images DIR --labels CSV --out DIR [--version V] [--operating-point P] [--margin δ]
//                                                  the same fine-tune on a labelled folder of confirmed photographs
//   anything else                                  the base-model trainer (training/fine-tune/train-cli.ts)
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeResult, runFolderFineTune, stageProgress } from '../../training/local/local-cli.ts';
import {
  fineTuneLocal,
  localValidationOf,
  type LocalFineTuneResult,
} from '../../training/local/fine-tune-local.ts';
import { openDatabase } from '../db/database.ts';
import { SETTING_KEYS } from '../db/settings-keys.ts';
import { getSetting } from '../db/settings-repo.ts';
import { ImageStore } from '../services/image-store.ts';
import { activeModelDir, projectRoot } from '../services/paths.ts';
import { localPhotographs } from './local-photographs.ts';
import {
  DEFAULT_PROMOTION_MARGIN,
  MAX_PROMOTION_MARGIN,
  MIN_PROMOTION_MARGIN,
  observedSpread,
  PAIRED_SPREAD,
  promotionMargin,
  promotionVerdict,
} from './promotion.ts';
import { readinessGaps } from './readiness.ts';
import { validatedSet } from './validated-set.ts';

const argv = process.argv.slice(2);
const local = argv.includes('--from-db') || argv.includes('--init-model');

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/** The gate's verdict, as the Models screen would give it: the line, the reasons and the evidence. */
function describeVerdict(result: LocalFineTuneResult, delta: number): string {
  const verdict = promotionVerdict(localValidationOf(result), delta);
  const spread = observedSpread(result.comparison, result.candidate.referablePatients);
  return [
    '',
    verdict.line,
    ...verdict.reasons.slice(1).map((r) => `  also: ${r}`),
    ...verdict.evidence.map((e) => `  ${e}`),
    `  (paired spread per referable patient here ${spread.toFixed(3)}; the gate plans with ${PAIRED_SPREAD})`,
  ].join('\n');
}

if (!local) {
  await import('../../training/fine-tune/train-cli.ts');
} else {
  const { values } = parseArgs({
    args: argv,
    options: {
      'from-db': { type: 'string' },
      'init-model': { type: 'string' },
      images: { type: 'string' },
      labels: { type: 'string' },
      out: { type: 'string' },
      version: { type: 'string' },
      'operating-point': { type: 'string' },
      margin: { type: 'string' },
    },
  });
  const margin = values.margin === undefined ? null : Number(values.margin);
  if (margin !== null && !(margin >= MIN_PROMOTION_MARGIN && margin <= MAX_PROMOTION_MARGIN))
    fail(`--margin is the promotion gate's δ, from ${MIN_PROMOTION_MARGIN} to ${MAX_PROMOTION_MARGIN}.`);
  const operatingPoint = values['operating-point'] === undefined ? null : Number(values['operating-point']);
  if (operatingPoint !== null && !(operatingPoint > 0 && operatingPoint < 1))
    fail('--operating-point is a probability between 0 and 1.');
  if (values['init-model']) {
    if (!values.images || !values.labels || !values.out)
      fail('--init-model needs --images DIR, --labels CSV and --out DIR.');
    const result = await runFolderFineTune(values.images, values.labels, {
      initModel: values['init-model'],
      out: values.out,
      ...(values.version ? { version: values.version } : {}),
      operatingPoint,
    });
    console.log(describeResult(result));
    console.log(describeVerdict(result, margin ?? DEFAULT_PROMOTION_MARGIN));
  } else {
    const dataDir = path.resolve(values['from-db']!);
    const dbFile = path.join(dataDir, 'eyenet.sqlite');
    if (!existsSync(dbFile)) fail(`No EyeNet record in ${dataDir} (no eyenet.sqlite there).`);
    const db = openDatabase(dbFile);
    const delta = margin ?? promotionMargin(db);
    const gaps = readinessGaps(validatedSet(db).photographs, delta);
    if (gaps.length)
      fail(
        `The validated set is not ready for a fine-tune:\n${gaps.map((g) => `- ${g.what}: ${g.have} of ${g.needed}`).join('\n')}`,
      );
    const initModelDir = activeModelDir(path.join(projectRoot(), 'resources'));
    const version = values.version ?? `local-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`;
    const result = await fineTuneLocal(localPhotographs(db, new ImageStore(path.join(dataDir, 'images'))), {
      initModelDir,
      outDir: path.resolve(values.out ?? path.join(dataDir, 'models', version)),
      version,
      operatingPoint: getSetting<number>(db, SETTING_KEYS.referableThreshold),
      onProgress: stageProgress(),
    });
    db.close();
    console.log(describeResult(result));
    console.log(describeVerdict(result, delta));
  }
}
