// The memory half of `npm run bench`: peak resident memory of `serve` while 12 large photographs are uploaded at
// once and while a long batch is imported through the API, and of the grade CLI on a folder of large BMPs.
// Peak RSS is read from /proc (VmHWM), so this part runs on Linux only. Figures are printed, never asserted.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EYEPACS_256_DIR, ORIGINALS_DIR, largeBmp } from '../../model/testing/test-images.ts';
import { projectRoot } from '../services/paths.ts';
import { tempDir } from '../test-helpers.ts';
import { startServe, technicianClient } from './api-client.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    batch: { type: 'string', default: '1000' },
    uploads: { type: 'string', default: '12' },
  },
  strict: false,
});
const batchSize = Math.max(1, Number(values.batch) || 1000);
const uploads = Math.max(1, Number(values.uploads) || 12);
const mb = (kb: number) => Math.round(kb / 1024);

function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not allowed here: the batch's peak then includes the uploads'.
  }
}

function peakKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

const bmp = await largeBmp(path.join(ORIGINALS_DIR, '10_left.jpeg'));
const data = tempDir('eyenet-memory-bench-');
const results: Record<string, unknown> = {};
try {
  const serve = await startServe(data.dir);
  try {
    const api = await technicianClient(serve.url);
    const idle = peakKb(serve.child.pid!);
    const patient = (await api('patients:create', { clinicId: 'MEM-1', name: 'Memory Bench' })) as {
      id: number;
    };
    const visit = { patientId: patient.id, date: new Date().toISOString().slice(0, 10) };
    // 12 uploads of a 10 MB BMP at once (each a different file, so none is a duplicate).
    let t = performance.now();
    const answers = await Promise.all(
      Array.from({ length: uploads }, (_, i) => {
        const bytes = bmp.slice();
        bytes[bytes.length - 1] = i; // one pixel differs: a different photograph
        return api('images:import', { visit, eye: 'OS', fileName: `mem-${i}_left.bmp`, bytes });
      }),
    );
    results.uploads = {
      files: uploads,
      megabytesEach: Math.round(bmp.byteLength / 2 ** 20),
      seconds: Math.round(performance.now() - t) / 1000,
      imported: answers.length,
      peakRssMb: mb(peakKb(serve.child.pid!)),
      idleRssMb: mb(idle),
    };
    console.log(
      `${uploads} concurrent ${Math.round(bmp.byteLength / 2 ** 20)} MB BMP uploads: peak RSS ${mb(peakKb(serve.child.pid!))} MB (idle ${mb(idle)} MB)`,
    );

    // A long batch, as the batch import sends it: a few files in flight at a time. The peak is counted afresh
    // (Linux resets VmHWM when 5 is written to clear_refs).
    resetPeak(serve.child.pid!);
    const names = (await readdir(EYEPACS_256_DIR)).filter((f) => f.endsWith('.jpeg')).sort();
    let next = 0;
    t = performance.now();
    const work = async () => {
      while (next < batchSize) {
        const name = names[next++ % names.length]!;
        const bytes = new Uint8Array(await readFile(path.join(EYEPACS_256_DIR, name)));
        await api('images:import', {
          visit,
          eye: name.includes('left') ? 'OS' : 'OD',
          fileName: name,
          bytes,
        });
      }
    };
    await Promise.all([work(), work(), work()]);
    const seconds = Math.round(performance.now() - t) / 1000;
    results.batch = { files: batchSize, seconds, peakRssMb: mb(peakKb(serve.child.pid!)) };
    console.log(
      `${batchSize}-photograph batch import: ${seconds} s, peak RSS ${mb(peakKb(serve.child.pid!))} MB`,
    );
  } finally {
    await serve.stop();
  }

  // The grade CLI on a folder of 16 large BMPs, with as many workers as asked for (it caps them).
  const folder = path.join(data.dir, 'bmps');
  await mkdir(folder);
  for (let i = 0; i < 16; i++) await writeFile(path.join(folder, `p${i}_left.bmp`), bmp);
  const cli = spawnSync(
    '/usr/bin/time',
    ['-f', '%M', process.execPath, '--import', 'tsx', 'model/cli/grade-cli.ts', '--workers', '16', folder],
    { cwd: projectRoot(), encoding: 'utf8' },
  );
  const cliPeak = Number(cli.stderr.trim().split('\n').pop());
  results.cli = { files: 16, workersAsked: 16, peakRssMb: mb(cliPeak) };
  console.log(`grade CLI, 16 large BMPs, --workers 16: peak RSS ${mb(cliPeak)} MB`);
} finally {
  data.remove();
}
console.log(JSON.stringify({ memory: results }));
if (values.json) await writeFile(String(values.json), JSON.stringify({ memory: results }, null, 2));
