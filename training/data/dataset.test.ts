import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  patientOf,
  readGradeFolders,
  readKaggleLabels,
  splitByPatient,
  type LabelledImage,
} from './dataset.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'eyenet-dataset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dataset', () => {
  it('reads a Kaggle CSV, finding each image and naming the missing ones', () => {
    writeFileSync(path.join(dir, 'labels.csv'), 'image,level\n10_left,0\n10_right,2\n11_left,4\n');
    writeFileSync(path.join(dir, '10_left.jpeg'), 'x');
    writeFileSync(path.join(dir, '10_right.jpeg'), 'x');
    const { images, missing } = readKaggleLabels(path.join(dir, 'labels.csv'), dir);
    expect(images.map((i) => [i.name, i.patient, i.level])).toEqual([
      ['10_left', '10', 0],
      ['10_right', '10', 2],
    ]);
    expect(missing).toEqual(['11_left']);
  });

  it('refuses a CSV with a bad header or grade', () => {
    writeFileSync(path.join(dir, 'bad.csv'), 'name,grade\n');
    expect(() => readKaggleLabels(path.join(dir, 'bad.csv'), dir)).toThrow(/header/);
    writeFileSync(path.join(dir, 'bad2.csv'), 'image,level\n10_left,7\n');
    expect(() => readKaggleLabels(path.join(dir, 'bad2.csv'), dir)).toThrow(/bad2.csv:2/);
  });

  it('reads one folder per grade', () => {
    mkdirSync(path.join(dir, 'grades', '0'), { recursive: true });
    mkdirSync(path.join(dir, 'grades', '3'), { recursive: true });
    writeFileSync(path.join(dir, 'grades', '0', '5_left.png'), 'x');
    writeFileSync(path.join(dir, 'grades', '3', '5_right.jpg'), 'x');
    writeFileSync(path.join(dir, 'grades', '3', 'notes.txt'), 'x');
    expect(readGradeFolders(path.join(dir, 'grades')).map((i) => [i.name, i.level])).toEqual([
      ['5_left', 0],
      ['5_right', 3],
    ]);
  });

  it('splits by patient, reproducibly, keeping forced patients on the training side', () => {
    const images: LabelledImage[] = [];
    for (let p = 0; p < 200; p++) {
      for (const eye of ['left', 'right'])
        images.push({ file: '', name: `${p}_${eye}`, patient: String(p), level: p % 5 });
    }
    const a = splitByPatient(images, { validationFraction: 0.2, seed: 3, forceTrain: new Set(['1', '6']) });
    const b = splitByPatient(images, { validationFraction: 0.2, seed: 3, forceTrain: new Set(['1', '6']) });
    expect(a).toEqual(b);
    const trainPatients = new Set(a.train.map((i) => i.patient));
    expect(a.validation.some((i) => trainPatients.has(i.patient))).toBe(false);
    expect(trainPatients.has('1') && trainPatients.has('6')).toBe(true);
    expect(a.validation.length).toBeGreaterThan(60);
    expect(a.validation.length).toBeLessThan(100);
    expect(new Set(a.validation.map((i) => i.level)).size).toBe(5);
    expect(patientOf('42_left')).toBe('42');
  });
});
