// The PACS half of `npm run bench`: studies graded per minute by `npm run grade -- --pacs … --watch` workers
// against a local Orthanc (Debian's, started here with its own configuration), with 1 and then 2 workers; and
// that no study was graded twice. The clock runs from the moment every worker is ready (its model loaded) to
// the moment Orthanc shows every study done. Writes a table, one JSON line, and `--json FILE` when given.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import dcmjs from 'dcmjs';
import { dicomFile, TRANSFER_SYNTAX } from '../../model/testing/dicom-files.ts';
import { ORIGINALS_DIR } from '../../model/testing/test-images.ts';
import { DicomWebClient, serverFromUrl } from '../pacs/dicomweb-client.ts';
import { OrthancClaims } from '../pacs/orthanc-claims.ts';
import { SOP } from '../pacs/result-documents.ts';
import {
  orthancInstalled,
  orthancVersion,
  startOrthanc,
  type TestOrthanc,
} from '../pacs/testing/orthanc-server.ts';
import { projectRoot } from '../services/paths.ts';

const { DicomMetaDictionary } = dcmjs.data;

const { values } = parseArgs({
  options: { json: { type: 'string' }, studies: { type: 'string', default: '12' } },
  strict: false,
});
const studies = Math.max(2, Number(values.studies) || 12);

if (!orthancInstalled) {
  console.log('PACS bench skipped: Orthanc is not installed (apt-get install orthanc orthanc-dicomweb).');
  process.exit(0);
}

/** `studies` two-eye studies on one date (one date per round, so each round's workers see only theirs). */
async function upload(orthanc: TestOrthanc, date: string): Promise<string[]> {
  const all = new Set(await readdir(ORIGINALS_DIR));
  const originals = [...all]
    .filter((f) => f.endsWith('_left.jpeg') && all.has(f.replace('_left', '_right')))
    .sort();
  const uids: string[] = [];
  for (let i = 0; i < studies; i++) {
    const left = originals[i % originals.length]!;
    const uid = DicomMetaDictionary.uid();
    const tags = {
      PatientID: `PB-${date}-${i}`,
      PatientName: `Bench^${i}`,
      StudyDate: date,
      StudyInstanceUID: uid,
    };
    const files = [];
    for (const [name, side] of [
      [left, 'L'],
      [left.replace('_left', '_right'), 'R'],
    ] as const) {
      const photo = new Uint8Array(await readFile(path.join(ORIGINALS_DIR, name)));
      files.push(
        await dicomFile(photo, 2048, {
          transferSyntax: TRANSFER_SYNTAX.jpegBaseline,
          tags: { ...tags, ImageLaterality: side },
        }),
      );
    }
    await orthanc.upload(files);
    uids.push(uid);
  }
  return uids;
}

function startWorker(
  orthanc: TestOrthanc,
  name: string,
  since: string,
): { child: ChildProcess; ready: Promise<number> } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'app/grade-cli.ts',
      '--pacs',
      orthanc.dicomWebWithCredentials,
      '--watch',
      '--every',
      '1',
      '--since',
      since,
      '--worker',
      name,
    ],
    { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ready = new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/: grading http/.test(out)) resolve(performance.now());
    });
    child.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code}: ${out}`)));
  });
  return { child, ready };
}

async function round(orthanc: TestOrthanc, workers: number, date: string) {
  const uids = await upload(orthanc, date);
  const since = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}`;
  const started = Array.from({ length: workers }, (_, i) =>
    startWorker(orthanc, `bench-${workers}-${i}`, since),
  );
  const readyAt = Math.max(...(await Promise.all(started.map((s) => s.ready))));
  const client = new DicomWebClient(serverFromUrl(orthanc.dicomWebWithCredentials));
  const claims = new OrthancClaims(client, 'bench-observer', 60_000);
  let doneAt: number;
  const by = new Map<string, string>();
  for (;;) {
    const states = await Promise.all(uids.map((uid) => claims.stateOf(uid)));
    if (states.every((s) => s?.state === 'done')) {
      doneAt = performance.now();
      states.forEach((s, i) => by.set(uids[i]!, s!.worker));
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const { child } of started) child.kill('SIGTERM');
  await Promise.all(
    started.map(
      ({ child }) => new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r))),
    ),
  );
  // Each study holds exactly one result (a second grading would have stored its own SR: the UIDs are per study).
  let results = 0;
  for (const uid of uids)
    results += (await client.retrieveStudy(uid)).filter((bytes) =>
      Buffer.from(bytes).includes(Buffer.from(SOP.basicTextSr)),
    ).length;
  const seconds = (doneAt - Math.max(readyAt, 0)) / 1000;
  const perWorker: Record<string, number> = {};
  for (const worker of by.values()) perWorker[worker] = (perWorker[worker] ?? 0) + 1;
  return {
    workers,
    studies: uids.length,
    photographs: uids.length * 2,
    seconds: Math.round(seconds * 10) / 10,
    studiesPerMinute: Math.round((uids.length / seconds) * 60 * 10) / 10,
    perWorker,
    resultsStored: results,
  };
}

const orthanc = await startOrthanc();
try {
  const one = await round(orthanc, 1, '20261101');
  const two = await round(orthanc, 2, '20261102');
  const report = {
    date: new Date().toISOString(),
    orthanc: orthancVersion(),
    cpus: os.cpus().length,
    studySize: 'two JPEG-baseline Ophthalmic Photography files, 2048 px wide',
    rounds: [one, two],
  };
  console.log(
    '\nEyeNet PACS bench · Orthanc on loopback · grading workers (npm run grade -- --pacs … --watch)\n',
  );
  console.log('| workers | studies | seconds | studies per minute | per worker | results stored |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of report.rounds)
    console.log(
      `| ${r.workers} | ${r.studies} | ${r.seconds} | ${r.studiesPerMinute} | ${Object.values(r.perWorker).join(' + ')} | ${r.resultsStored} |`,
    );
  console.log(`\n${JSON.stringify(report)}`);
  if (values.json) await writeFile(String(values.json), JSON.stringify(report, null, 2));
} finally {
  await orthanc.stop();
}
