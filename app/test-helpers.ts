import type { MaculopathyOutcome } from '../domain/maculopathy.ts';
// Helpers for tests of the main-process code: a private data folder and an app context without Electron.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { activeModelDir } from '../model/inference/model-paths.ts';
import { openMemoryDatabase, type Database } from './db/database.ts';
import { GENESIS_HASH, hashOf } from './audit/audit-log.ts';
import { localModelsDir } from './learning/model-registry.ts';
import { insertImage } from './db/images-repo.ts';
import { insertResult } from './db/results-repo.ts';
import type { HeldOutFigures, PairedComparison } from '../contract/index.ts';
import type { ModelInfo } from '../domain/results.ts';
import type { AppContext } from './services/app-context.ts';
import { createAppContext } from './services/app-context.ts';
import type { GradingService } from './services/grading-service.ts';
import { ImageStore } from './services/image-store.ts';
import { Sessions } from './auth/sessions.ts';
import { createDispatch, type Dispatch } from './api/dispatch.ts';
import { handlers } from './api/handlers/index.ts';
import { findLogin, insertUser } from './db/users-repo.ts';
import { ROLES, type Role } from '../domain/roles.ts';

export function tempDir(prefix = 'eyenet-test-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testContext(dataDir: string) {
  return createAppContext({ dataDir, modelDir: activeModelDir(), appVersion: '0.0.0-test' });
}

/**
 * An app context on a private in-memory database with no grading workers, for handler tests that never grade.
 * `grading` stands in for the service: pass the few fields a test reads.
 */
export function memoryContext(grading: Partial<Record<keyof GradingService, unknown>> = {}): AppContext {
  return {
    db: openMemoryDatabase(),
    store: new ImageStore('/nonexistent'),
    grading: {
      model: null,
      backend: null,
      referableThreshold: null,
      error: 'not started in this test',
      ...grading,
    } as unknown as GradingService,
    dataDir: '/x',
    appVersion: 't',
    sessions: new Sessions(),
    readOnly: null,
    modelDir: activeModelDir(),
  };
}

/**
 * Stores a photograph row and a model result for it without grading anything: `grade` null makes it ungradable.
 * `referableProbability` defaults to 0.8 for a gradable photo; the operating point is 0.5 unless given.
 */
export function insertGradedImage(
  db: Database,
  visitId: number,
  options: {
    grade: number | null;
    eye?: 'OD' | 'OS';
    fileName?: string;
    referableProbability?: number;
    referableThreshold?: number;
    model?: ModelInfo;
    /** The maculopathy head's result (absent: the model has none). */
    maculopathy?: MaculopathyOutcome;
  },
): { imageId: number; resultId: number } {
  const { grade } = options;
  const fileName = options.fileName ?? `photo-${Math.random()}.jpeg`;
  const imageId = insertImage(db, {
    visitId,
    eye: options.eye ?? 'OD',
    fileName,
    sha256: `sha-${fileName}`,
    mimeType: 'image/jpeg',
    width: 10,
    height: 10,
    thumbnailSha256: null,
  });
  const result = insertResult(db, imageId, {
    quality: { gradable: grade !== null, reasons: grade === null ? ['blurred'] : [], metrics: {} },
    grade,
    probabilities: grade === null ? null : [0.2, 0.2, 0.2, 0.2, 0.2],
    referableProbability: grade === null ? null : (options.referableProbability ?? 0.8),
    referableThreshold: options.referableThreshold ?? 0.5,
    ...(options.maculopathy ? { maculopathy: options.maculopathy } : {}),
    model: options.model ?? { name: 'm', version: '1', validated: false, preprocessing: 'p' },
    backend: 'wasm',
    timings: { decodeMs: 1, preprocessMs: 1, inferenceMs: 1, heatmapMs: 0, totalMs: 3 },
    previewSha256: null,
    heatmapSha256: null,
  });
  return { imageId, resultId: result.id };
}

/** The value of a dispatch envelope, or a thrown error carrying the envelope's error. */
export async function value<T>(promise: Promise<unknown>): Promise<T> {
  const envelope = (await promise) as { ok: boolean; value: T; error?: unknown };
  if (!envelope.ok) throw new Error(JSON.stringify(envelope.error));
  return envelope.value;
}

/** The text of a PDF as poppler's pdftotext reads it (poppler-utils: installed by .ci/run). */
export function pdfText(pdf: Uint8Array): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eyenet-pdf-'));
  try {
    const file = path.join(dir, 'report.pdf');
    writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Held-out figures as a local fine-tune writes them, with the AUC given. */
export function heldOutFigures(auc: number, sensitivity = 0.9, referablePatients = 90): HeldOutFigures {
  return {
    photographs: 4 * referablePatients,
    patients: 2 * referablePatients,
    referablePatients,
    referableAuc: auc,
    auc95: { low: auc - 0.07, high: auc + 0.05 },
    threshold: 0.068,
    sensitivity,
    specificity: 0.4,
  };
}

/** Candidate − base as a paired bootstrap gives it: the difference given, ± `half` around it. */
function pairedAround(difference: number, half: number): PairedComparison {
  return {
    auc: { estimate: difference, low: difference - half, high: difference + half },
    sensitivity: { estimate: 0, low: 0, high: 0 },
    threshold: 0.068,
    rounds: 2000,
    skipped: 0,
  };
}

/**
 * A fine-tuned candidate for promotion tests: a copy of the shipped model under `<dataDir>/models/<id>`, with
 * the local figures a fine-tune writes (base AUC 0.85, the candidate's as given, their paired difference ±0.015),
 * so the gate has something to judge without a fine-tune being run. `referenceDifference` adds the reference
 * set's figures (candidate − base there, ±0.03); `referablePatients` sets how many held-out patients had
 * referable DR (90 by default: enough at the default margin).
 */
export function writeCandidateModel(
  dataDir: string,
  id: string,
  version: string,
  candidateAuc: number,
  options: { referenceDifference?: number; referablePatients?: number } = {},
): void {
  const dir = path.join(localModelsDir(dataDir), id);
  cpSync(activeModelDir(), dir, { recursive: true });
  const metadata = JSON.parse(readFileSync(path.join(dir, 'metadata.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const n = options.referablePatients ?? 90;
  const d = options.referenceDifference;
  writeFileSync(
    path.join(dir, 'metadata.json'),
    JSON.stringify({
      ...metadata,
      version,
      fineTunedFrom: { name: metadata.name, version: metadata.version },
      localValidation: {
        base: heldOutFigures(0.85, 0.9, n),
        candidate: heldOutFigures(candidateAuc, 0.9, n),
        derivedThreshold: 0.05,
        comparison: pairedAround(candidateAuc - 0.85, 0.015),
        ...(d === undefined
          ? {}
          : {
              reference: {
                base: heldOutFigures(0.78, 0.9, 32),
                candidate: heldOutFigures(0.78 + d, 0.9, 32),
              },
              referenceComparison: {
                ...pairedAround(d, 0.03),
                source: 'public EyePACS camera photographs',
                excludedTrainedOn: 0,
              },
            }),
      },
    }),
  );
}

/** The people a test acts as: one signed-in account per role (display names as reviews and changes record them). */
export const TEST_STAFF = {
  administrator: { username: 'ada', displayName: 'Ada Admin' },
  clinician: { username: 'drtest', displayName: 'Dr Test' },
  technician: { username: 'tom', displayName: 'Tom Tech' },
} as const satisfies Record<Role, { username: string; displayName: string }>;

/** Signs one account per role in on windows named `test:<role>` (accounts are made on first use). */
export function signInTestStaff(ctx: AppContext): Record<Role, string> {
  const windows = {} as Record<Role, string>;
  for (const role of ROLES) {
    const { username, displayName } = TEST_STAFF[role];
    const user =
      findLogin(ctx.db, username)?.user ?? insertUser(ctx.db, { username, displayName, role }, 'x');
    windows[role] = `test:${role}`;
    ctx.sessions.signIn(windows[role], user.id);
  }
  return windows;
}

/**
 * A dispatch for tests of what handlers do: each call comes from a window signed in with a role the channel
 * allows (a clinician where it may, else a technician, else an administrator). Who may call what is tested on
 * its own, channel by channel (app/api/roles.test.ts); `as` pins one role.
 */
export function staffDispatch(
  ctx: AppContext,
  log: (message: string, error: unknown) => void = () => undefined,
  as?: Role,
): Dispatch {
  const dispatch = createDispatch(handlers, ctx, log);
  const windows = signInTestStaff(ctx);
  return (channel, input) => {
    const roles = (handlers as Record<string, { roles: 'anyone' | readonly Role[] }>)[String(channel)]?.roles;
    const allowed = roles === undefined || roles === 'anyone' ? ROLES : roles;
    const role =
      as ?? (['clinician', 'technician', 'administrator'] as const).find((r) => allowed.includes(r))!;
    return dispatch(channel, input, { clientId: windows[role] });
  };
}

/**
 * What an attacker with the database file alone can do to the audit log (tests and the probe): drop the guard,
 * delete the entries `where` picks, close up the ids and recompute the unkeyed SHA-256 chain. Returns how many
 * entries were deleted.
 */
export function rewriteAuditLog(db: Database, where: string): number {
  db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
  const deleted = db.prepare(`DELETE FROM audit_log WHERE ${where}`).run().changes;
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY id').all() as Record<string, unknown>[];
  db.exec('DELETE FROM audit_log');
  const insert = db.prepare(
    `INSERT INTO audit_log (id, at, user_id, username, role, action, kind, patient_id, request, before, after,
       prev_hash, hash, workstation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let prev = GENESIS_HASH;
  rows.forEach((row, i) => {
    const entry = { ...row, id: i + 1, prev_hash: prev } as Parameters<typeof hashOf>[0];
    const hash = hashOf(entry);
    insert.run(
      entry.id,
      entry.at,
      entry.user_id,
      entry.username,
      entry.role,
      entry.action,
      entry.kind,
      entry.patient_id,
      entry.request,
      entry.before,
      entry.after,
      prev,
      hash,
      entry.workstation ?? null,
    );
    prev = hash;
  });
  return deleted;
}

/**
 * A dispatch acting as one more clinician (made on first use): the pathway needs several (first and second
 * readers, an arbiter), each signed in on their own window.
 */
export function clinicianDispatch(ctx: AppContext, username: string, displayName: string): Dispatch {
  const dispatch = createDispatch(handlers, ctx, () => undefined);
  const user =
    findLogin(ctx.db, username)?.user ??
    insertUser(ctx.db, { username, displayName, role: 'clinician' }, 'x');
  const window = `test:${username}`;
  ctx.sessions.signIn(window, user.id);
  return (channel, input) => dispatch(channel, input, { clientId: window });
}
