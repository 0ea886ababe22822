// `npm run grade -- --pacs http://USER:PASSWORD@HOST:PORT/dicom-web [--watch] [--every S] [--since DATE]
//  [--claim-minutes N] [--worker NAME] [--data-dir DIR] [--model DIR]`: a headless grading worker on a PACS.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AppError, errorMessage } from '../../domain/errors.ts';
import { createAppContext } from '../services/app-context.ts';
import { activeModelDir, packageVersion, projectRoot } from '../services/paths.ts';
import { DicomWebClient, serverFromUrl } from './dicomweb-client.ts';
import { gradePass } from './grade-worker.ts';
import { OrthancClaims } from './orthanc-claims.ts';

const USAGE = `Usage: npm run grade -- --pacs http://USER:PASSWORD@HOST:PORT/dicom-web [--watch] [--every SECONDS]
  [--since YYYY-MM-DD] [--claim-minutes N] [--worker NAME] [--data-dir DIR] [--model DIR]

Grades the PACS's fundus studies (OP, XC) and stores each result back into its study as a preliminary
Structured Report and PDF (UNVERIFIED: a clinician reviews and signs in EyeNet). Each study is claimed
through Orthanc (run it with "CheckRevisions": true), so any number of workers grade each study once; a
worker's claim expires after --claim-minutes (default 10) if it dies. Without --watch: one pass, then exit.`;

export async function gradeWorkerCli(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      pacs: { type: 'string' },
      watch: { type: 'boolean', default: false },
      every: { type: 'string', default: '30' },
      since: { type: 'string' },
      'claim-minutes': { type: 'string', default: '10' },
      worker: { type: 'string' },
      'data-dir': { type: 'string' },
      model: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.pacs) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const every = Number(values.every);
  const claimMinutes = Number(values['claim-minutes']);
  if (!(every > 0) || !(claimMinutes > 0)) {
    console.error('--every and --claim-minutes must be positive numbers.');
    return 2;
  }
  if (values.since && !/^\d{4}-\d{2}-\d{2}$/.test(values.since)) {
    console.error(`--since must be a date as YYYY-MM-DD, got "${values.since}".`);
    return 2;
  }
  const worker = values.worker ?? `${os.hostname()}-${process.pid}`;
  // The worker's own working record: a scratch folder unless one is given (one process per data folder).
  const scratch = values['data-dir'] ? null : mkdtempSync(path.join(os.tmpdir(), 'eyenet-worker-'));
  const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : scratch!;
  let client: DicomWebClient;
  let claims: OrthancClaims;
  try {
    client = new DicomWebClient(serverFromUrl(values.pacs));
    claims = new OrthancClaims(client, worker, claimMinutes * 60_000);
    await claims.checkServer();
  } catch (error) {
    console.error(errorMessage(error));
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    return 2;
  }
  const root = projectRoot();
  const ctx = createAppContext({
    dataDir,
    modelDir: values.model ? path.resolve(values.model) : activeModelDir(path.join(root, 'resources')),
    appVersion: packageVersion(root),
    poolSize: 1,
  });
  await ctx.grading.ready;
  if (!ctx.grading.model) {
    console.error(`Grading is unavailable: ${ctx.grading.error}`);
    await ctx.close();
    return 2;
  }
  const log = (line: string) => console.log(`[${new Date().toISOString()}] ${worker}: ${line}`);
  log(
    `grading ${client.server.url} with ${ctx.grading.model.name} ${ctx.grading.model.version} (${ctx.grading.backend})`,
  );
  let stopping = false;
  const stop = () => (stopping = true);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let code = 0;
  try {
    do {
      try {
        await gradePass({ ctx, client, claims, since: values.since ?? null, log });
      } catch (error) {
        log(errorMessage(error));
        if (!values.watch) code = 1;
        if (error instanceof AppError && error.code === 'MODEL_UNAVAILABLE') {
          code = 1;
          break;
        }
      }
      for (let waited = 0; values.watch && !stopping && waited < every * 1000; waited += 250)
        await new Promise((r) => setTimeout(r, 250));
    } while (values.watch && !stopping);
  } finally {
    await ctx.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
  return code;
}
