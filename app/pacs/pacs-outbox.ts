// Signed results on their way back to a PACS: a row per server, visit and sign-off in the record (so the queue
// survives a restart or a crash), sent as a Basic Text SR and an Encapsulated PDF by STOW-RS (and the FHIR bundle
// where the server has an endpoint), retried with back-off until the server takes them. The documents are written
// at sending time from the record, and with UIDs fixed by the sign-off: a retry after a lost answer stores the
// same instances again, never a second copy.
import type { OutboxItem } from '../../contract/index.ts';
import { AppError, errorMessage } from '../../domain/errors.ts';
import { fhirExport } from '../reports/exports.ts';
import { renderVisitPdf } from '../reports/visit-pdf.ts';
import { visitReport } from '../reports/visit-report.ts';
import { prepared } from '../db/database.ts';
import type { AppContext } from '../services/app-context-type.ts';
import { visitDetail } from '../services/patient-record.ts';
import { encapsulatedPdf, structuredReport } from './result-documents.ts';
import { pacsClient, pacsConnection } from './pacs-servers.ts';

/** Back-off after the n-th failed attempt: 30 s, 1 min, 2 min, ... at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

interface OutboxRow {
  id: number;
  server_id: number;
  server_name: string;
  visit_id: number;
  version: string;
  state: OutboxItem['state'];
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  sent_at: string | null;
}

const SELECT = `SELECT o.*, s.name AS server_name FROM pacs_outbox o JOIN pacs_servers s ON s.id = o.server_id`;

function toItem(row: OutboxRow): OutboxItem {
  return {
    id: row.id,
    serverName: row.server_name,
    visitId: row.visit_id,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    sentAt: row.sent_at,
  };
}

export function outboxItems(ctx: Pick<AppContext, 'db'>, limit = 100): OutboxItem[] {
  return (ctx.db.prepare(`${SELECT} ORDER BY o.id DESC LIMIT ?`).all(limit) as OutboxRow[]).map(toItem);
}

function item(ctx: Pick<AppContext, 'db'>, id: number): OutboxItem {
  return toItem(ctx.db.prepare(`${SELECT} WHERE o.id = ?`).get(id) as OutboxRow);
}

/** Queues the visit's signed result for the server; the same sign-off queued twice is one item. */
export function queueResult(
  ctx: AppContext,
  serverId: number,
  visitId: number,
  by: string,
  now = new Date(),
): number {
  const { visit } = visitDetail(ctx.db, visitId);
  if (!visit.signOff?.current)
    throw new AppError(
      'INVALID_INPUT',
      visit.signOff
        ? 'A result was amended after this visit was signed off: sign it off again before sending it to the PACS.'
        : 'Only a signed-off visit goes to the PACS: review every result and sign the visit off first.',
    );
  pacsClient(ctx, serverId); // the server exists and its password can be read
  ctx.db
    .prepare(
      `INSERT INTO pacs_outbox (server_id, visit_id, version, state, next_attempt_at, queued_by, created_at)
       VALUES (?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (server_id, visit_id, version) DO NOTHING`,
    )
    .run(serverId, visitId, visit.signOff.at, now.toISOString(), by, now.toISOString());
  return (
    ctx.db
      .prepare('SELECT id FROM pacs_outbox WHERE server_id = ? AND visit_id = ? AND version = ?')
      .get(serverId, visitId, visit.signOff.at) as { id: number }
  ).id;
}

async function send(ctx: AppContext, row: OutboxRow): Promise<void> {
  const report = await visitReport(ctx, row.visit_id);
  const pdf = await renderVisitPdf(report, 'report');
  const { client, fhir } = pacsConnection(ctx, row.server_id);
  await client.store([structuredReport(report, row.version), encapsulatedPdf(report, pdf, row.version)]);
  if (!fhir) return;
  const bundle = await fhirExport(ctx, { visitId: row.visit_id });
  const response = await fhir.request('', {
    method: 'POST',
    body: new Uint8Array(bundle.bytes),
    headers: { 'content-type': 'application/fhir+json' },
  });
  if (!response.ok) await fhir.failed(response, 'take the FHIR bundle');
}

/**
 * Sends every item that is due (one at a time, oldest first). An item whose visit was signed again or amended
 * since it was queued is superseded: what goes is always what a clinician signed last.
 */
export async function sendDue(ctx: AppContext, now = new Date()): Promise<number> {
  // Asked every 30 s for as long as EyeNet runs: a cached statement.
  const due = prepared<[string], OutboxRow>(
    ctx.db,
    `${SELECT} WHERE o.state = 'pending' AND o.next_attempt_at <= ? ORDER BY o.id`,
  ).all(now.toISOString());
  let sent = 0;
  for (const row of due) {
    const { visit } = visitDetail(ctx.db, row.visit_id);
    if (!visit.signOff?.current || visit.signOff.at !== row.version) {
      ctx.db
        .prepare(`UPDATE pacs_outbox SET state = 'superseded', last_error = ? WHERE id = ?`)
        .run(
          'The visit was amended or signed again before this went; the newer sign-off is sent instead.',
          row.id,
        );
      continue;
    }
    try {
      await send(ctx, row);
      ctx.db
        .prepare(
          `UPDATE pacs_outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?`,
        )
        .run(new Date().toISOString(), row.id);
      sent++;
    } catch (error) {
      const attempts = row.attempts + 1;
      ctx.db
        .prepare('UPDATE pacs_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?')
        .run(
          attempts,
          new Date(now.getTime() + retryDelayMs(attempts)).toISOString(),
          errorMessage(error),
          row.id,
        );
    }
  }
  return sent;
}

/** Queues and tries at once; the item says whether it went, or when it will be tried again and why. */
export async function pushResult(
  ctx: AppContext,
  serverId: number,
  visitId: number,
  by: string,
): Promise<OutboxItem> {
  const id = queueResult(ctx, serverId, visitId, by);
  await sendDue(ctx);
  return item(ctx, id);
}

/** Sends what is due every `everyMs` until stopped (the entry points run one: the queue outlives any page). */
export function startOutbox(ctx: AppContext, everyMs = 30_000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running || ctx.readOnly) return;
    running = true;
    sendDue(ctx)
      .catch((error: unknown) => console.error('[pacs] outbox', error))
      .finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
