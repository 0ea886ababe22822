// `npm run quality-report`: measures the quality gate's metrics on real photographs and on synthetic bad
// ones, and writes their distributions to model/quality/QUALITY.md — the evidence the thresholds were chosen from.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot, sharedDataDir } from '../../model/inference/model-paths.ts';
import { PREPROCESSING_ID, preprocess } from '../../model/preprocess/preprocess.ts';
import { judgeQuality, measureQuality, type QualityMetrics } from '../../model/quality/quality.ts';
import { QUALITY_THRESHOLDS } from '../../model/quality/quality-thresholds.ts';
import { percentile } from '../../model/cli/stats.ts';
import {
  blurred,
  darkened,
  noiseImage,
  partlyObscured,
  solidImage,
  textPageImage,
} from '../../model/testing/synthetic-images.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: sharedDataDir() },
    out: { type: 'string', default: path.join(projectRoot(), 'model', 'quality', 'QUALITY.md') },
    sample256: { type: 'string', default: '300' },
    worst: { type: 'boolean', default: false },
  },
});

interface Row {
  set: string;
  file: string;
  metrics: QualityMetrics;
  reasons: string[];
}

async function measure(set: string, file: string, bytes: Uint8Array): Promise<Row> {
  const metrics = measureQuality(await preprocess(bytes, 224));
  return { set, file, metrics, reasons: judgeQuality(metrics).reasons };
}

async function folder(set: string, dir: string, limit = Infinity): Promise<Row[]> {
  const names = (await readdir(dir))
    .filter((f) => f.endsWith('.jpeg'))
    .sort()
    .slice(0, limit);
  const rows: Row[] = [];
  for (const name of names)
    rows.push(await measure(set, name, new Uint8Array(await readFile(path.join(dir, name)))));
  return rows;
}

const data = values.data;
const rows: Row[] = [
  ...(await folder('eyepacs-1024-dev', path.join(data, 'eyepacs-1024-dev', 'images'))),
  ...(await folder('eyepacs-originals', path.join(data, 'eyepacs-originals', 'images'))),
  ...(await folder('eyepacs-256', path.join(data, 'eyepacs-256', 'images'), Number(values.sample256))),
  ...(await folder('srahim-dev', path.join(data, 'srahim-dev', 'images'))),
];
// Synthetic failures from the 20 camera originals: blurred and darkened versions of good photographs.
const originals = (await readdir(path.join(data, 'eyepacs-originals', 'images'))).sort();
for (const name of originals) {
  const bytes = new Uint8Array(await readFile(path.join(data, 'eyepacs-originals', 'images', name)));
  rows.push(await measure('synthetic: blurred σ=0.4% of width', name, await blurred(bytes, 0.004)));
  rows.push(await measure('synthetic: blurred σ=1% of width', name, await blurred(bytes, 0.01)));
  rows.push(await measure('synthetic: darkened ×0.3', name, await darkened(bytes, 0.3)));
  rows.push(await measure('synthetic: darkened ×0.15', name, await darkened(bytes, 0.15)));
  rows.push(
    await measure('synthetic: lower half in shadow, dimmed ×0.5', name, await partlyObscured(bytes, 0.5)),
  );
  rows.push(await measure('synthetic: lower third in shadow', name, await partlyObscured(bytes, 1, 0.67)));
}
rows.push(await measure('synthetic: non-fundus', 'black frame', await solidImage(1600, 1200, [0, 0, 0])));
rows.push(
  await measure('synthetic: non-fundus', 'white page', await solidImage(1600, 1200, [255, 255, 255])),
);
rows.push(await measure('synthetic: non-fundus', 'page of text', await textPageImage(1600, 1200)));
rows.push(await measure('synthetic: non-fundus', 'uniform noise', await noiseImage(1600, 1200)));

const metricNames = Object.keys(rows[0]!.metrics) as (keyof QualityMetrics)[];
const sets = [...new Set(rows.map((r) => r.set))];
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3));

const lines: string[] = [
  '# Quality gate: metric distributions and thresholds',
  '',
  `Written by \`npm run quality-report\` (training/evaluate/quality-report.ts) with preprocessing \`${PREPROCESSING_ID}\`,`,
  'from every image of eyepacs-1024-dev and eyepacs-originals, the first ' +
    `${values.sample256} images of eyepacs-256 (by name), and synthetic failures made from the 20 originals.`,
  'Each cell: 1st / 5th / 50th / 95th percentile (min / max for sets of fewer than 30).',
  '',
  '## Thresholds in force (model/quality/quality-thresholds.ts)',
  '',
  '| threshold | value |',
  '| --- | --- |',
  ...Object.entries(QUALITY_THRESHOLDS).map(([k, v]) => `| ${k} | ${v} |`),
  '',
  '## Distributions',
  '',
];
for (const metric of metricNames) {
  lines.push(
    `### ${metric}`,
    '',
    '| set | n | p1 | p5 | p50 | p95 |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const set of sets) {
    const xs = rows.filter((r) => r.set === set).map((r) => r.metrics[metric]);
    const small = xs.length < 30;
    const q = small ? [0, 0, 0.5, 1] : [0.01, 0.05, 0.5, 0.95];
    lines.push(`| ${set} | ${xs.length} | ${q.map((qq) => fmt(percentile(xs, qq))).join(' | ')} |`);
  }
  lines.push('');
}
lines.push(
  '## What the gate decides',
  '',
  '| set | n | gradable | reasons (count) |',
  '| --- | --- | --- | --- |',
);
for (const set of sets) {
  const inSet = rows.filter((r) => r.set === set);
  const counts = new Map<string, number>();
  for (const r of inSet) for (const reason of r.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  const gradable = inSet.filter((r) => r.reasons.length === 0).length;
  lines.push(
    `| ${set} | ${inSet.length} | ${gradable} | ${[...counts].map(([k, v]) => `${k} ${v}`).join(', ') || '—'} |`,
  );
}
lines.push(
  '',
  'eyepacs-256 is listed for contrast only: its images were cropped, stretched, shrunk to 256 px and',
  're-coloured by an earlier pipeline, so the gate (made for camera photographs) rejects them as it should.',
  '',
  '## Ungradable camera photographs',
  '',
  '| set | file | reasons |',
  '| --- | --- | --- |',
);
for (const r of rows.filter(
  (row) =>
    (row.set.startsWith('eyepacs-') || row.set === 'srahim-dev') &&
    row.set !== 'eyepacs-256' &&
    row.reasons.length,
)) {
  lines.push(`| ${r.set} | ${r.file} | ${r.reasons.join(', ')} |`);
}
lines.push('');
await writeFile(values.out, lines.join('\n'));
console.log(`wrote ${values.out} (${rows.length} images)`);
if (values.worst) {
  for (const metric of ['sharpness', 'meanLuminance', 'redness', 'fill'] as const) {
    const dev = rows
      .filter((r) => r.set === 'eyepacs-1024-dev')
      .sort((a, b) => a.metrics[metric] - b.metrics[metric]);
    console.log(
      metric,
      'lowest:',
      dev
        .slice(0, 12)
        .map((r) => `${r.file}=${fmt(r.metrics[metric])}`)
        .join(' '),
    );
    console.log(
      metric,
      'highest:',
      dev
        .slice(-6)
        .map((r) => `${r.file}=${fmt(r.metrics[metric])}`)
        .join(' '),
    );
  }
}
