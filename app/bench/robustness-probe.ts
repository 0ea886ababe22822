// `npm run probe -- [--calls N] [--kills N]`: the trust probe, repeatable. Against a real `serve`: bad
// photographs of many kinds, N malformed API calls, two people editing one record, `kill -9` in the middle of
// imports followed by a restart and an integrity check, 40 sign-ins at once for one name, a second serve on the
// same folder, a restore killed at each of its steps, and the audit log rewritten in the database alone. Prints what it found (and JSON); exits 1 if the server
// crashed, answered a malformed call with a server error, lost a photograph or failed a check.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { CHANNELS } from '../../contract/index.ts';
import { encodeWire } from '../../contract/wire.ts';
import { ORIGINALS_DIR, largeBmp, pngHeaderOnly } from '../../model/testing/test-images.ts';
import { noiseImage, solidImage, textPageImage } from '../../model/testing/synthetic-images.ts';
import { dicomFile } from '../../model/testing/dicom-files.ts';
import { verifyAuditChain } from '../audit/audit-log.ts';
import { createBackup, sha256File } from '../backup/backup.ts';
import { namedFiles } from '../db/stored-files-repo.ts';
import { rewriteAuditLog, tempDir } from '../test-helpers.ts';
import { BENCH_TECHNICIAN, rawClient, signedInClient, startServe, technicianClient } from './api-client.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000' },
    kills: { type: 'string', default: '10' },
    json: { type: 'string' },
  },
  strict: false,
});
const CALLS = Math.max(1, Number(values.calls) || 1000);
const KILLS = Math.max(1, Number(values.kills) || 10);
const failures: string[] = [];
const photo = (name: string) => new Uint8Array(readFileSync(path.join(ORIGINALS_DIR, `${name}.jpeg`)));
const today = new Date().toISOString().slice(0, 10);

/** Seeded choices, so a run can be repeated. */
let seed = 20261206;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

async function badPhotographs(): Promise<Record<string, Uint8Array>> {
  const jpeg = photo('10_left');
  return {
    empty: new Uint8Array(0),
    text: new TextEncoder().encode('not a photograph at all'),
    html: new TextEncoder().encode('<html><script>alert(1)</script></html>'),
    'random bytes': new Uint8Array(randomBytes(50_000)),
    'truncated JPEG': jpeg.subarray(0, 20_000),
    'JPEG header only': jpeg.subarray(0, 600),
    'PNG bomb (60000×60000 header)': pngHeaderOnly(60_000, 60_000),
    'PNG 1×1': pngHeaderOnly(1, 1),
    'zip file': new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...randomBytes(200)]),
    'PDF file': new TextEncoder().encode('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF'),
    'BMP header only': new Uint8Array([0x42, 0x4d, ...new Uint8Array(60)]),
    'truncated BMP': (await largeBmp(path.join(ORIGINALS_DIR, '13_left.jpeg'), 400, 300)).subarray(0, 5000),
    'TIFF header only': new Uint8Array([0x49, 0x49, 0x2a, 0x00, 0x08, 0, 0, 0, 0, 0]),
    'GIF file': new TextEncoder().encode('GIF89a\x01\x00\x01\x00\x00\x00\x00;'),
    'DICOM without pixels': (await dicomFile(jpeg, 256)).subarray(0, 700),
    'black frame': await solidImage(1024, 768, [0, 0, 0]),
    'white frame': await solidImage(1024, 768, [255, 255, 255]),
    noise: await noiseImage(800, 600),
    'a page of text': await textPageImage(800, 600),
    'a tiny photograph': await solidImage(8, 8, [120, 40, 20]),
  };
}

/** Inputs no channel accepts: wrong types, unknown keys, huge, deep, hostile. */
function malformedInput(): unknown {
  const deep: Record<string, unknown> = {};
  let cursor = deep;
  for (let i = 0; i < 200; i++) cursor = (cursor.a = {}) as Record<string, unknown>;
  return pick<unknown>([
    null,
    [],
    'a string',
    42,
    { id: 'one' },
    { id: -1 },
    { id: 1e308 },
    { id: 1.5 },
    { patientId: '1; DROP TABLE patients' },
    { clinicId: 'x'.repeat(100_000), name: 'n' },
    { __proto__: { admin: true }, id: 1 },
    JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'),
    deep,
    { date: '2026-02-30' },
    { bytes: 'not bytes' },
    { bytes: { $bytes: '!!!not base64!!!' } },
    { query: { $ne: null } },
    { grade: 9, resultId: 1, seenReviewId: null },
    { unknownKey: true },
    { kind: 'patient', id: 1, reason: '' },
  ]);
}

async function main(): Promise<void> {
  const data = tempDir('eyenet-probe-');
  const report: Record<string, unknown> = {};
  try {
    let serve = await startServe(data.dir);
    const tech = await technicianClient(serve.url);
    const admin = await signedInClient(serve.url);
    await admin('users:create', {
      username: 'drone',
      displayName: 'Dr One',
      role: 'clinician',
      password: 'probe-password-1',
    });
    await admin('users:create', {
      username: 'drtwo',
      displayName: 'Dr Two',
      role: 'clinician',
      password: 'probe-password-2',
    });
    const patient = (await tech('patients:create', { clinicId: 'PR-1', name: 'Probe Patient' })) as {
      id: number;
      version: number;
    };
    const visit = { patientId: patient.id, date: today };

    // 1. Bad photographs: each refused with a sentence, never a server error.
    const bad = await badPhotographs();
    const badAnswers: Record<string, string> = {};
    for (const [kind, bytes] of Object.entries(bad)) {
      const raw = rawClient(serve.url);
      await raw('auth:login', { username: BENCH_TECHNICIAN.username, password: BENCH_TECHNICIAN.password });
      const answer = await raw('images:import', { visit, eye: 'OS', fileName: `bad-${kind}.jpg`, bytes });
      badAnswers[kind] = answer.ok
        ? (answer.value as { image: { result: { quality: { gradable: boolean } } } }).image.result.quality
            .gradable
          ? 'graded'
          : 'ungradable'
        : answer.error.code;
      if (!answer.ok && answer.error.code === 'INTERNAL') failures.push(`bad photograph "${kind}": INTERNAL`);
    }
    report.badPhotographs = { kinds: Object.keys(bad).length, answers: badAnswers };
    console.log(`bad photographs: ${Object.keys(bad).length} kinds, answers ${JSON.stringify(badAnswers)}`);

    // 2. Malformed API calls, signed in and not, plus transport-level garbage.
    const statuses: Record<string, number> = {};
    const signedIn = rawClient(serve.url);
    await signedIn('auth:login', { username: 'drone', password: 'probe-password-1' });
    const anonymous = rawClient(serve.url);
    const origin = new URL(serve.url).origin;
    const token = new URLSearchParams(new URL(serve.url).hash.slice(1)).get('token')!;
    for (let i = 0; i < CALLS; i++) {
      let code: string;
      const kind = random();
      if (kind < 0.1) {
        // Broken at the transport: bad JSON, wrong type, a bad % escape, an unknown channel.
        const response = await fetch(
          `${origin}/api/${pick(['patients%E0%A4%A', 'nope:nothing', 'patients:list', '%00'])}`,
          {
            method: 'POST',
            headers: { 'content-type': pick(['application/json', 'text/plain']), 'x-eyenet-token': token },
            body: pick(['{not json', '[]', '{"a":', encodeWire({ x: 1 })]),
          },
        );
        code = `HTTP ${response.status}`;
        if (response.status >= 500) failures.push(`transport probe answered ${response.status}`);
      } else {
        const answer = await (kind < 0.55 ? signedIn : anonymous)(pick(CHANNELS), malformedInput());
        code = answer.ok ? 'ok' : answer.error.code;
        if (code === 'INTERNAL') failures.push(`malformed call answered INTERNAL`);
      }
      statuses[code] = (statuses[code] ?? 0) + 1;
    }
    const polluted = ({} as Record<string, unknown>).polluted !== undefined;
    if (polluted) failures.push('prototype polluted');
    report.malformedCalls = { calls: CALLS, answers: statuses };
    console.log(`malformed API calls: ${CALLS}, answers ${JSON.stringify(statuses)}`);

    // 3. Two people on one record: the later save is told, never silently wins.
    const one = await signedInClient(serve.url, { username: 'drone', password: 'probe-password-1' });
    const two = rawClient(serve.url);
    await two('auth:login', { username: 'drtwo', password: 'probe-password-2' });
    await one('patients:update', {
      id: patient.id,
      version: patient.version,
      clinicId: 'PR-1',
      name: 'Probe Patient A',
    });
    const second = await two('patients:update', {
      id: patient.id,
      version: patient.version,
      clinicId: 'PR-1',
      name: 'Probe Patient B',
    });
    const imported = (await tech('images:import', {
      visit,
      eye: 'OD',
      fileName: '10_right.jpeg',
      bytes: photo('10_right'),
    })) as {
      image: { result: { id: number; grade: number } };
    };
    const resultId = imported.image.result.id;
    await one('reviews:submit', { resultId, grade: imported.image.result.grade, seenReviewId: null });
    const secondReview = await two('reviews:submit', {
      resultId,
      grade: imported.image.result.grade,
      seenReviewId: null,
    });
    const twoClients = {
      patientEdit: second.ok ? 'silently saved' : second.error.code,
      review: secondReview.ok ? 'silently saved' : secondReview.error.code,
    };
    if (twoClients.patientEdit !== 'STALE' || twoClients.review !== 'STALE')
      failures.push(`two clients: ${JSON.stringify(twoClients)}`);
    report.twoClients = twoClients;
    console.log(`two people on one record: ${JSON.stringify(twoClients)}`);
    await serve.stop();

    // 4. kill -9 during imports, then a restart: the record is whole and every photograph it names is there.
    const big = await largeBmp(path.join(ORIGINALS_DIR, '16_left.jpeg'));
    let importsStarted = 0;
    for (let round = 0; round < KILLS; round++) {
      serve = await startServe(data.dir);
      const api = await signedInClient(serve.url, BENCH_TECHNICIAN);
      const inFlight = Array.from({ length: 3 }, (_, i) => {
        importsStarted++;
        const bytes = big.slice();
        bytes[bytes.length - 1 - i] = round; // each a different photograph
        return api('images:import', {
          visit,
          eye: 'OS',
          fileName: `kill-${round}-${i}_left.bmp`,
          bytes,
        }).catch(() => null);
      });
      await new Promise((r) => setTimeout(r, 200 + Math.floor(random() * 2500)));
      serve.child.kill('SIGKILL');
      await Promise.all(inFlight);
      const child = serve.child;
      if (child.exitCode === null && child.signalCode === null)
        await new Promise((r) => child.once('exit', r));
    }
    // The last start checks: integrity, every named file present and whole, the audit chain.
    serve = await startServe(data.dir);
    await serve.stop();
    const db = new BetterSqlite3(path.join(data.dir, 'eyenet.sqlite'), { readonly: true });
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])[0]!.integrity_check;
    const named = namedFiles(db);
    let missing = 0;
    for (const sha of named) {
      const file = path.join(data.dir, 'images', sha.slice(0, 2), sha);
      if (!existsSync(file) || (await sha256File(file)) !== sha) missing++;
    }
    const chain = verifyAuditChain(db);
    const photographs = (db.prepare('SELECT COUNT(*) AS n FROM images').get() as { n: number }).n;
    db.close();
    const temps = readdirSync(path.join(data.dir, 'images'), { recursive: true }).filter((f) =>
      String(f).endsWith('.tmp'),
    ).length;
    const kills = {
      kills: KILLS,
      importsStarted,
      photographsStored: photographs,
      integrity,
      filesMissingOrDamaged: missing,
      auditChain: chain.ok,
      tempFilesLeft: temps,
    };
    if (integrity !== 'ok' || missing > 0 || !chain.ok)
      failures.push(`after kills: ${JSON.stringify(kills)}`);
    report.kills = kills;
    console.log(`kill -9 during imports: ${JSON.stringify(kills)}`);

    // 5. Forty sign-ins at once for one name, the right password last: none may get through.
    serve = await startServe(data.dir);
    const guesses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        rawClient(serve.url)('auth:login', {
          username: 'drtwo',
          password: i === 39 ? 'probe-password-2' : `guess-${i}-of-forty`,
        }),
      ),
    );
    const parallelGuess = {
      attempts: 40,
      signedIn: guesses.filter((g) => g.ok).length,
      checked: guesses.filter((g) => !g.ok && /password is wrong/.test(g.error.message)).length,
    };
    if (parallelGuess.signedIn > 0) failures.push(`parallel guessing: ${JSON.stringify(parallelGuess)}`);
    report.parallelGuess = parallelGuess;
    console.log(`parallel guessing: ${JSON.stringify(parallelGuess)}`);

    // 6. A second serve on the same folder while the first runs: refused, and the first keeps its lock.
    const secondServe = await startServe(data.dir).then(
      async (s) => {
        await s.stop();
        return 'started';
      },
      (error: Error) =>
        /in use by EyeNet/.test(error.message) ? 'refused' : `failed: ${error.message.slice(0, 200)}`,
    );
    if (secondServe !== 'refused') failures.push(`second serve on one folder: ${secondServe}`);
    report.secondServer = secondServe;
    console.log(`a second serve on the same data folder: ${secondServe}`);
    await serve.stop();

    // 7. A restore killed at each step: the next start finds a whole record (never first-time setup).
    const backupDir = tempDir('eyenet-probe-backup-');
    const restoreCrash: Record<string, string> = {};
    try {
      const live = new BetterSqlite3(path.join(data.dir, 'eyenet.sqlite'));
      const { folder: snapshot } = await createBackup(
        { db: live, dataDir: data.dir, appVersion: 'probe' },
        backupDir.dir,
      );
      live.close();
      for (const point of ['restore:copied', 'restore:journal', 'restore:kept-aside', 'restore:swapped']) {
        spawnSync(
          process.execPath,
          [
            '--import',
            'tsx',
            'app/backup/backup-cli.ts',
            'restore',
            '--backup',
            snapshot,
            '--data-dir',
            data.dir,
          ],
          { env: { ...process.env, EYENET_FAULT_AT: point }, encoding: 'utf8' },
        );
        serve = await startServe(data.dir);
        const status = (await rawClient(serve.url)('auth:status', {})) as {
          ok: true;
          value: { setupNeeded: boolean };
        };
        const patients = (await (
          await signedInClient(serve.url, BENCH_TECHNICIAN)
        )('patients:list', {})) as unknown[];
        await serve.stop();
        restoreCrash[point] = status.value.setupNeeded ? 'EMPTY RECORD' : `${patients.length} patient(s)`;
        if (status.value.setupNeeded || patients.length === 0)
          failures.push(`restore killed at ${point}: empty record`);
      }
    } finally {
      backupDir.remove();
    }
    report.restoreCrash = restoreCrash;
    console.log(`restore killed at each step, then a start: ${JSON.stringify(restoreCrash)}`);

    // 8. The audit log rewritten in the database alone (one person's entries deleted, the chain recomputed).
    const file = new BetterSqlite3(path.join(data.dir, 'eyenet.sqlite'));
    const deleted = rewriteAuditLog(file, "username = 'drone'");
    file.close();
    const audit = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'app/audit/audit-cli.ts', '--verify', '--data-dir', data.dir],
      {
        encoding: 'utf8',
      },
    );
    serve = await startServe(data.dir);
    const info = (await rawClient(serve.url)('app:info', {})) as {
      ok: true;
      value: { auditProblem: string | null };
    };
    await serve.stop();
    const auditRewrite = {
      entriesDeleted: deleted,
      auditCommand: audit.status === 1 ? 'found it' : `exit ${audit.status}`,
      serveAtStart: info.value.auditProblem ? 'found it' : 'said nothing',
    };
    if (audit.status !== 1 || !info.value.auditProblem)
      failures.push(`audit rewrite: ${JSON.stringify(auditRewrite)}`);
    report.auditRewrite = auditRewrite;
    console.log(`audit log rewritten in the database: ${JSON.stringify(auditRewrite)}`);
  } finally {
    data.remove();
  }
  report.failures = failures;
  console.log(
    failures.length ? `FAILED: ${failures.join('; ')}` : 'No crash, no server error, nothing lost.',
  );
  console.log(JSON.stringify({ probe: report }));
  if (values.json) writeFileSync(String(values.json), JSON.stringify({ probe: report }, null, 2));
  process.exitCode = failures.length ? 1 : 0;
}

await main();
