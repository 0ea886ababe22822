import { createHash } from 'node:crypto';
import type { AuditEntry, AuditQuery, AuditVerification } from '../../contract/index.ts';
import { prepared, type Database } from '../db/database.ts';
import { SETTING_KEYS } from '../db/settings-keys.ts';
import { setSetting } from '../db/settings-repo.ts';
import { checkAnchor, writeAnchor } from './audit-anchor.ts';

/** The hash the first entry links to. */
export const GENESIS_HASH = '0'.repeat(64);
/** JSON over this many characters is cut (a patient's whole record is not copied into the log). */
const MAX_JSON = 16_000;

export interface NewAuditEntry {
  userId: number | null;
  username: string;
  role: string;
  action: string;
  kind: AuditEntry['kind'];
  patientId: number | null;
  request: unknown;
  before?: unknown;
  after?: unknown;
  /** Where the call came from (a workstation's address, or "this computer"); null when unknown. */
  workstation?: string | null;
}

interface AuditRow {
  id: number;
  at: string;
  user_id: number | null;
  username: string;
  role: string;
  action: string;
  kind: AuditEntry['kind'];
  patient_id: number | null;
  request: string;
  before: string | null;
  after: string | null;
  prev_hash: string;
  hash: string;
  workstation: string | null;
}

/** Photographs become their size, passwords are never written, long texts are cut. */
function redact(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: value.byteLength };
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        /password|^current$/i.test(k) ? '(not recorded)' : redact(v),
      ]),
    );
  return value;
}

function json(value: unknown): string | null {
  if (value === undefined) return null;
  const text = JSON.stringify(redact(value)) ?? 'null';
  return text.length > MAX_JSON ? JSON.stringify({ truncated: text.slice(0, MAX_JSON) }) : text;
}

/** The entry's hash covers its id, every field and the previous hash: edit, delete or reorder, and it breaks. */
export function hashOf(row: Omit<AuditRow, 'hash'>): string {
  const fields = [
    row.id,
    row.at,
    row.user_id,
    row.username,
    row.role,
    row.action,
    row.kind,
    row.patient_id,
    row.request,
    row.before,
    row.after,
    row.prev_hash,
    // Only where set: entries from before the column (and calls without a workstation) hash as they always did.
    ...(row.workstation === null || row.workstation === undefined ? [] : [row.workstation]),
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** Appends one entry, linked to the newest, in one transaction (two writers can never link to the same one). */
export function appendAudit(db: Database, entry: NewAuditEntry, now = new Date()): void {
  const head = db.transaction(() => {
    const last = prepared<[], { id: number; hash: string }>(
      db,
      'SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1',
    ).get();
    const row: Omit<AuditRow, 'hash'> = {
      id: (last?.id ?? 0) + 1,
      at: now.toISOString(),
      user_id: entry.userId,
      username: entry.username,
      role: entry.role,
      action: entry.action,
      kind: entry.kind,
      patient_id: entry.patientId,
      request: json(entry.request) ?? '{}',
      before: json(entry.before),
      after: json(entry.after),
      prev_hash: last?.hash ?? GENESIS_HASH,
      workstation: entry.workstation ?? null,
    };
    // The column is named only when there is a workstation to write: a record not yet migrated to 15 (a restore
    // being checked, the migration tests' older schemas) takes entries without one, as before.
    const withWorkstation = row.workstation !== null;
    prepared(
      db,
      `INSERT INTO audit_log (id, at, user_id, username, role, action, kind, patient_id, request, before, after,
         prev_hash, hash${withWorkstation ? ', workstation' : ''}) VALUES (@id, @at, @user_id, @username, @role,
         @action, @kind, @patient_id, @request, @before, @after, @prev_hash, @hash${withWorkstation ? ', @workstation' : ''})`,
    ).run({ ...row, hash: hashOf(row) });
    return { id: row.id, hash: hashOf(row) };
  })();
  writeAnchor(db, head);
  if (head.id === 1) setSetting(db, SETTING_KEYS.auditAnchored, true);
}

function toEntry(row: AuditRow): AuditEntry {
  const parse = (text: string | null) => (text === null ? null : (JSON.parse(text) as unknown));
  return {
    id: row.id,
    at: row.at,
    username: row.username,
    role: row.role,
    action: row.action,
    kind: row.kind,
    patientId: row.patient_id,
    request: parse(row.request),
    before: parse(row.before),
    after: parse(row.after),
    workstation: row.workstation,
  };
}

/** Entries newest first, filtered; dates are the clinic's days (`to` includes its whole day). */
export function listAudit(db: Database, query: AuditQuery): AuditEntry[] {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: Math.min(query.limit ?? 200, 5000) };
  const filters: [unknown, string, string, unknown][] = [
    [query.from, 'at >= @from', 'from', query.from],
    [query.to, "at < date(@to, '+1 day')", 'to', query.to],
    [query.username, 'username = @username COLLATE NOCASE', 'username', query.username],
    [query.action, 'action LIKE @action', 'action', `${query.action}%`],
    [query.patientId, 'patient_id = @patientId', 'patientId', query.patientId],
    [query.kind, 'kind = @kind', 'kind', query.kind],
  ];
  for (const [given, clause, name, param] of filters) {
    if (!given) continue;
    where.push(clause);
    params[name] = param;
  }
  const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
  return db.prepare<Record<string, unknown>, AuditRow>(sql).all(params).map(toEntry);
}

/**
 * Walks the whole chain (every hash recomputed, every link checked, ids without gaps), then holds its newest
 * entries against the anchor kept outside the database (audit-anchor.ts).
 */
export function verifyAuditChain(db: Database): AuditVerification {
  return checkAnchor(db, walkChain(db));
}

function walkChain(db: Database): AuditVerification {
  let prev = GENESIS_HASH;
  let expectedId = 1;
  let entries = 0;
  for (const row of db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY id').iterate()) {
    entries++;
    const broken = (reason: string): AuditVerification => ({
      ok: false,
      entries,
      head: null,
      broken: { id: row.id, reason },
    });
    if (row.id !== expectedId) return broken(`entry ${expectedId} is missing`);
    if (row.prev_hash !== prev) return broken('it does not link to the entry before it');
    if (hashOf(row) !== row.hash) return broken('its content does not match its hash (it was edited)');
    prev = row.hash;
    expectedId++;
  }
  return { ok: true, entries, head: entries ? prev : null, broken: null };
}
