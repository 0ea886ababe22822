// The DICOMweb servers a clinic has set up: saved with their passwords sealed, read back as clients.
import type { PacsServer, PacsServerInput } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import type { AppContext } from '../services/app-context-type.ts';
import { DicomWebClient, RemoteServer } from './dicomweb-client.ts';
import { seal, unseal } from './sealed-secret.ts';

interface ServerRow {
  id: number;
  name: string;
  url: string;
  username: string | null;
  password_sealed: Uint8Array | null;
  fhir_url: string | null;
  created_at: string;
}

type Ctx = Pick<AppContext, 'db' | 'dataDir'>;

function toServer(row: ServerRow): PacsServer {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    username: row.username,
    hasPassword: row.password_sealed !== null,
    fhirUrl: row.fhir_url,
  };
}

export function listPacsServers(ctx: Ctx): PacsServer[] {
  return (
    ctx.db
      .prepare('SELECT * FROM pacs_servers WHERE removed_at IS NULL ORDER BY name, id')
      .all() as ServerRow[]
  ).map(toServer);
}

function row(ctx: Ctx, id: number): ServerRow {
  const found = ctx.db.prepare('SELECT * FROM pacs_servers WHERE id = ? AND removed_at IS NULL').get(id) as
    ServerRow | undefined;
  if (!found) throw new AppError('NOT_FOUND', `No PACS server ${id} is set up.`);
  return found;
}

/**
 * Adds a server, or changes one (`id`). A password left out keeps the saved one; an empty one removes it. The URL
 * may not carry credentials: they would end up in a plain column.
 */
export function savePacsServer(ctx: Ctx, input: PacsServerInput): PacsServer {
  const url = new URL(input.url);
  if (url.username || url.password)
    throw new AppError(
      'INVALID_INPUT',
      'Put the user name and password in their own fields, not in the URL.',
    );
  const cleanUrl = input.url.replace(/\/+$/, '');
  const now = new Date().toISOString();
  const sealed =
    input.password === undefined
      ? undefined
      : input.password === ''
        ? null
        : seal(ctx.dataDir, input.password);
  if (input.id === undefined) {
    const id = ctx.db
      .prepare(
        'INSERT INTO pacs_servers (name, url, username, password_sealed, fhir_url, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        input.name,
        cleanUrl,
        input.username || null,
        sealed ?? null,
        input.fhirUrl || null,
        now,
      ).lastInsertRowid;
    return toServer(row(ctx, Number(id)));
  }
  const before = row(ctx, input.id);
  ctx.db
    .prepare(
      'UPDATE pacs_servers SET name = ?, url = ?, username = ?, password_sealed = ?, fhir_url = ? WHERE id = ?',
    )
    .run(
      input.name,
      cleanUrl,
      input.username || null,
      sealed === undefined ? before.password_sealed : sealed,
      input.fhirUrl || null,
      input.id,
    );
  return toServer(row(ctx, input.id));
}

export function removePacsServer(ctx: Ctx, id: number): void {
  row(ctx, id);
  ctx.db.prepare('UPDATE pacs_servers SET removed_at = ? WHERE id = ?').run(new Date().toISOString(), id);
}

/**
 * A saved server, ready to talk to: its DICOMweb client (the password unsealed only here, in memory) and its FHIR
 * endpoint, if it has one. The PACS's credentials go to the FHIR endpoint only on the PACS's own origin, never to
 * another server.
 */
export function pacsConnection(
  ctx: Ctx,
  id: number,
  options: { timeoutMs?: number } = {},
): { client: DicomWebClient; fhir: RemoteServer | null } {
  const found = row(ctx, id);
  const server = {
    url: found.url,
    username: found.username,
    password: found.password_sealed ? unseal(ctx.dataDir, found.password_sealed) : null,
  };
  const client = new DicomWebClient(server, options);
  if (!found.fhir_url) return { client, fhir: null };
  const sameOrigin = new URL(found.fhir_url).origin === new URL(found.url).origin;
  const fhir = new RemoteServer(
    sameOrigin ? { ...server, url: found.fhir_url } : { url: found.fhir_url, username: null, password: null },
    { ...options, label: 'FHIR endpoint' },
  );
  return { client, fhir };
}

/** The DICOMweb client of a saved server. */
export function pacsClient(ctx: Ctx, id: number, options: { timeoutMs?: number } = {}): DicomWebClient {
  return pacsConnection(ctx, id, options).client;
}
