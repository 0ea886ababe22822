import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { IMAGE_EXTENSIONS, hasImageExtension } from '../../model/image/list-images.ts';
import { seededRandom } from '../evaluate/metrics.ts';

export interface LabelledImage {
  /** Absolute path of the photograph. */
  file: string;
  /** Kaggle-style name without extension, e.g. `10_left`. */
  name: string;
  /** Patient key: both eyes of a patient share it and always land on the same side of a split. */
  patient: string;
  level: number;
}

/** `10_left` → patient `10`; names without an eye suffix are their own patient. */
export function patientOf(name: string): string {
  return name.replace(/[_-](left|right|os|od)$/i, '');
}

function findImageFile(dir: string, name: string): string | null {
  for (const ext of IMAGE_EXTENSIONS) {
    const file = path.join(dir, name + ext);
    if (existsSync(file)) return file;
  }
  return null;
}

/** Reads a Kaggle `trainLabels.csv` (`image,level`); images are looked up in `imagesDir`. */
export function readKaggleLabels(
  csvFile: string,
  imagesDir: string,
): { images: LabelledImage[]; missing: string[] } {
  const lines = readFileSync(csvFile, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim());
  const header = lines
    .shift()
    ?.split(',')
    .map((h) => h.trim().toLowerCase());
  if (!header || header[0] !== 'image' || header[1] !== 'level') {
    throw new Error(`${csvFile}: expected a header "image,level".`);
  }
  const images: LabelledImage[] = [];
  const missing: string[] = [];
  for (const [index, line] of lines.entries()) {
    const [name, levelText] = line.split(',').map((s) => s.trim());
    const level = Number(levelText);
    if (!name || !Number.isInteger(level) || level < 0 || level > 4) {
      throw new Error(`${csvFile}:${index + 2}: expected "<image>,<0-4>", got "${line}".`);
    }
    const file = findImageFile(imagesDir, name);
    if (file) images.push({ file, name, patient: patientOf(name), level });
    else missing.push(name);
  }
  return { images, missing };
}

/** Reads a folder with one sub-folder per grade (`0/`, `1/`, … `4/`). */
export function readGradeFolders(root: string): LabelledImage[] {
  const images: LabelledImage[] = [];
  for (let level = 0; level <= 4; level++) {
    const dir = path.join(root, String(level));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const entry of readdirSync(dir).sort()) {
      if (!hasImageExtension(entry)) continue;
      const name = entry.replace(/\.[^.]+$/, '');
      images.push({ file: path.join(dir, entry), name, patient: patientOf(name), level });
    }
  }
  return images;
}

/**
 * Splits by patient, never by image, reproducibly for a seed. Patients are shuffled within strata of their
 * worst eye's grade so both sides see every grade. `forceTrain` patients always go to the training side.
 */
export function splitByPatient(
  images: readonly LabelledImage[],
  {
    validationFraction,
    seed,
    forceTrain = new Set<string>(),
  }: { validationFraction: number; seed: number; forceTrain?: Set<string> },
): { train: LabelledImage[]; validation: LabelledImage[] } {
  const worst = new Map<string, number>();
  for (const image of images) worst.set(image.patient, Math.max(worst.get(image.patient) ?? 0, image.level));
  const random = seededRandom(seed);
  const validationPatients = new Set<string>();
  for (let level = 0; level <= 4; level++) {
    const patients = [...worst]
      .filter(([p, l]) => l === level && !forceTrain.has(p))
      .map(([p]) => p)
      .sort();
    for (let i = patients.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [patients[i], patients[j]] = [patients[j]!, patients[i]!];
    }
    for (const p of patients.slice(0, Math.round(patients.length * validationFraction)))
      validationPatients.add(p);
  }
  return {
    train: images.filter((i) => !validationPatients.has(i.patient)),
    validation: images.filter((i) => validationPatients.has(i.patient)),
  };
}
