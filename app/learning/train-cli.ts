// `npm run train`: one entry for the three ways to train.
//   --from-db DATA_DIR [--out DIR] [--version V]   fine-tune the active model on a data folder's validated set
//   --init-model DIR --images DIR --labels CSV --out DIR [--version V] [--operating-point P]
//                                                  the same fine-tune on a labelled folder of confirmed photographs
//   anything else                                  the base-model trainer (training/fine-tune/train-cli.ts)
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeResult, runFolderFineTune, stageProgress } from '../../training/local/local-cli.ts';
import { fineTuneLocal } from '../../training/local/fine-tune-local.ts';
import { openDatabase } from '../db/database.ts';
import { SETTING_KEYS } from '../db/settings-keys.ts';
import { getSetting } from '../db/settings-repo.ts';
import { ImageStore } from '../services/image-store.ts';
import { activeModelDir, projectRoot } from '../services/paths.ts';
import { localPhotographs } from './local-photographs.ts';
import { readinessGaps } from './readiness.ts';
import { validatedSet } from './validated-set.ts';

const argv = process.argv.slice(2);
const local = argv.includes('--from-db') || argv.includes('--init-model');

function fail(message: string): never {
  console.error(message);
  process.exit(2);
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
    },
  });
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
  } else {
    const dataDir = path.resolve(values['from-db']!);
    const dbFile = path.join(dataDir, 'eyenet.sqlite');
    if (!existsSync(dbFile)) fail(`No EyeNet record in ${dataDir} (no eyenet.sqlite there).`);
    const db = openDatabase(dbFile);
    const gaps = readinessGaps(validatedSet(db).photographs);
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
  }
}
