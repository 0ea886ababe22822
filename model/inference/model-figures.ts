import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** One held-out evaluation of a model, as `npm run evaluate` wrote it into the model's `evaluation/` folder. */
export interface ModelFigures {
  set: string;
  images: number;
  gradable: number;
  referableAuc: number;
  auc95: { low: number; high: number } | null;
  sensitivity: number;
  specificity: number;
  threshold: number;
  /** The operating point was chosen on these photographs: its sensitivity and specificity here are not held out. */
  pointChosenHere: boolean;
}

interface EvaluationFile {
  set?: { name?: string };
  operatingPointChosenOn?: boolean;
  images?: number;
  gradable?: number;
  referable?: {
    auc?: number;
    auc95?: { low: number; high: number };
    sensitivity?: number;
    specificity?: number;
    threshold?: number;
  };
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/**
 * The evaluation figures of the model `name` at `version`, found among the model folders beside `modelDir`
 * (a result may come from an earlier model than the active one). Empty when that model is no longer installed or
 * was never evaluated: a report then says so rather than quoting another model's figures.
 */
export async function modelFigures(
  modelDir: string,
  name: string,
  version: string,
  /** More folders of models to look in (models fine-tuned on this workstation). */
  otherRoots: readonly string[] = [],
): Promise<ModelFigures[]> {
  for (const root of [path.dirname(modelDir), ...otherRoots]) {
    const found = await figuresIn(root, name, version);
    if (found) return found;
  }
  return [];
}

/** What a fine-tune on this workstation wrote: the candidate judged on the clinic's own held-out patients. */
interface LocalValidation {
  candidate: {
    photographs: number;
    referableAuc: number;
    auc95: { low: number; high: number };
    sensitivity: number;
    specificity: number;
    threshold: number;
  };
}

async function figuresIn(root: string, name: string, version: string): Promise<ModelFigures[] | null> {
  let folders: string[];
  try {
    folders = await readdir(root);
  } catch {
    return null;
  }
  for (const folder of folders.sort()) {
    const meta = await readJson<{ name?: string; version?: string; localValidation?: LocalValidation }>(
      path.join(root, folder, 'metadata.json'),
    );
    if (meta?.name !== name || meta.version !== version) continue;
    const local = meta.localValidation?.candidate;
    if (local)
      return [
        {
          set: "this clinic's held-out patients",
          images: local.photographs,
          gradable: local.photographs,
          referableAuc: local.referableAuc,
          auc95: local.auc95,
          sensitivity: local.sensitivity,
          specificity: local.specificity,
          threshold: local.threshold,
          // Judged at the site's operating point in force, not one chosen on these patients.
          pointChosenHere: false,
        },
      ];
    const evaluationDir = path.join(root, folder, 'evaluation');
    const files = (await readdir(evaluationDir).catch(() => [] as string[])).filter((f) =>
      f.endsWith('-evaluation.json'),
    );
    const figures: ModelFigures[] = [];
    for (const file of files.sort()) {
      const e = await readJson<EvaluationFile>(path.join(evaluationDir, file));
      const r = e?.referable;
      if (!e || r?.auc === undefined) continue;
      figures.push({
        set: e.set?.name ?? file.replace(/-evaluation\.json$/, ''),
        images: e.images ?? 0,
        gradable: e.gradable ?? 0,
        referableAuc: r.auc,
        auc95: r.auc95 ?? null,
        sensitivity: r.sensitivity ?? NaN,
        specificity: r.specificity ?? NaN,
        threshold: r.threshold ?? NaN,
        pointChosenHere: e.operatingPointChosenOn === true,
      });
    }
    return figures;
  }
  return null;
}
