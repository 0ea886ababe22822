// The exchange half of `npm run bench`: a 50-file DICOM folder through the import (headers planned, then every
// file graded and stored, as the batch import does), and the PDF of a two-eye visit. Timings live here, never
// in tests. Writes a table, one JSON line, and `--json FILE` when given.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median, percentile } from '../../model/cli/stats.ts';
import { dicomFile, TRANSFER_SYNTAX } from '../../model/testing/dicom-files.ts';
import { ORIGINALS_DIR } from '../../model/testing/test-images.ts';
import { visitPdf, fhirExport, rangeCsv } from '../reports/exports.ts';
import { createAppContext } from '../services/app-context.ts';
import { importDicom, planDicom } from '../services/import-dicom.ts';
import { activeModelDir } from '../services/paths.ts';
import { tempDir } from '../test-helpers.ts';

const { values } = parseArgs({
  options: { json: { type: 'string' }, files: { type: 'string', default: '50' } },
  strict: false,
});
const count = Math.max(2, Number(values.files) || 50);
const round = (v: number) => Math.round(v * 10) / 10;
const summary = (xs: number[]) => ({
  medianMs: round(median(xs)),
  p95Ms: round(percentile(xs, 0.95)),
  n: xs.length,
});

const data = tempDir('eyenet-bench-');
const ctx = createAppContext({ dataDir: data.dir, modelDir: activeModelDir(), appVersion: 'bench' });
try {
  await ctx.grading.ready;
  // The folder: camera-sized JPEG-baseline Ophthalmic Photography files made from the originals, two eyes per
  // patient (the originals come in left/right pairs).
  const originals = (await readdir(ORIGINALS_DIR)).filter((f) => f.endsWith('.jpeg')).sort();
  const files: { fileName: string; bytes: Uint8Array }[] = [];
  for (let i = 0; i < count; i++) {
    const name = originals[i % originals.length]!;
    const photo = new Uint8Array(await readFile(path.join(ORIGINALS_DIR, name)));
    const round_ = Math.floor(i / originals.length);
    const patient = `B-${name.split('_')[0]}-${round_}`;
    files.push({
      fileName: `${patient}_${name.replace('.jpeg', '.dcm')}`,
      bytes: await dicomFile(photo, 3072, {
        transferSyntax: TRANSFER_SYNTAX.jpegBaseline,
        tags: {
          PatientID: patient,
          PatientName: `Bench^${patient}`,
          ImageLaterality: name.includes('left') ? 'L' : 'R',
        },
      }),
    });
  }
  const megabytes = files.reduce((n, f) => n + f.bytes.byteLength, 0) / 2 ** 20;

  let t = performance.now();
  const plan = planDicom(
    ctx.db,
    files.map((f) => ({ fileName: f.fileName, head: f.bytes.subarray(0, 256 * 1024) })),
  );
  const planMs = performance.now() - t;
  const perFile: number[] = [];
  t = performance.now();
  let visitId = 0;
  for (const [i, file] of files.entries()) {
    const start = performance.now();
    const out = await importDicom(ctx, { ...file, registerPatient: plan[i]!.newPatient !== null });
    perFile.push(performance.now() - start);
    visitId = out.visitId;
  }
  const importSeconds = (performance.now() - t) / 1000;

  // The PDF of the last visit (two eyes: the last two files are a left/right pair).
  const pdfTimes: number[] = [];
  let pdfBytes = 0;
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    const pdf = await visitPdf(ctx, visitId, 'report');
    pdfTimes.push(performance.now() - start);
    pdfBytes = pdf.bytes.byteLength;
  }
  const range = { from: '1900-01-01', to: '2999-12-31' };
  t = performance.now();
  rangeCsv(ctx, range);
  const csvMs = performance.now() - t;
  t = performance.now();
  const fhir = await fhirExport(ctx, range);
  const fhirMs = performance.now() - t;

  const report = {
    date: new Date().toISOString(),
    model: `${ctx.grading.model?.name} ${ctx.grading.model?.version}`,
    backend: ctx.grading.backend,
    cpus: os.cpus().length,
    dicomFolder: {
      files: count,
      megabytes: round(megabytes),
      transferSyntax: 'JPEG Baseline, 3072 px wide',
      planMs: round(planMs),
      importSeconds: round(importSeconds),
      perFile: summary(perFile),
      filesPerMinute: round((count / importSeconds) * 60),
    },
    visitPdf: { ...summary(pdfTimes), kilobytes: round(pdfBytes / 1024) },
    exports: {
      visits: plan.length / 2,
      csvMs: round(csvMs),
      fhirMs: round(fhirMs),
      fhirMegabytes: round(fhir.bytes.byteLength / 2 ** 20),
    },
  };
  const table = [
    `EyeNet exchange bench · ${report.model} · backend ${report.backend}`,
    '',
    '| what | figure |',
    '| --- | --- |',
    `| DICOM folder: ${count} files (${report.dicomFolder.megabytes} MB, JPEG baseline 3072 px) | plan ${report.dicomFolder.planMs} ms · import ${report.dicomFolder.importSeconds} s (${report.dicomFolder.filesPerMinute} files/min) |`,
    `| one DICOM file: decode, grade, store | median ${report.dicomFolder.perFile.medianMs} ms · p95 ${report.dicomFolder.perFile.p95Ms} ms |`,
    `| PDF report of a two-eye visit | median ${report.visitPdf.medianMs} ms · p95 ${report.visitPdf.p95Ms} ms · ${report.visitPdf.kilobytes} KB |`,
    `| CSV of ${report.exports.visits} visits | ${report.exports.csvMs} ms |`,
    `| FHIR bundle of ${report.exports.visits} visits, PDFs attached | ${report.exports.fhirMs} ms · ${report.exports.fhirMegabytes} MB |`,
    '',
  ];
  console.log(table.join('\n'));
  console.log(JSON.stringify(report));
  if (typeof values.json === 'string') await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
} finally {
  await ctx.close();
  data.remove();
}
