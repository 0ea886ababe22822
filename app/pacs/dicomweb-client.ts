// The one door to a PACS: DICOMweb (QIDO-RS to search, WADO-RS to retrieve, STOW-RS to store), over fetch.
// Every failure ends in an AppError whose sentence says what went wrong and with which server.
import { randomBytes } from 'node:crypto';
import { AppError } from '../../domain/errors.ts';
import { boundaryOf, buildMultipart, parseMultipart } from './multipart.ts';

export interface DicomWebServer {
  /** The DICOMweb root, e.g. http://pacs:8042/dicom-web (no credentials in it). */
  url: string;
  username: string | null;
  password: string | null;
}

/** A study as the PACS lists it (QIDO-RS). */
export interface StudySummary {
  studyInstanceUid: string;
  patientId: string;
  patientName: string;
  /** YYYY-MM-DD, or null when the study has no date. */
  studyDate: string | null;
  modalities: string[];
}

/** Modalities of fundus photographs: ophthalmic photography, and external-camera photography some cameras use. */
export const FUNDUS_MODALITIES = ['OP', 'XC'] as const;

const DEFAULT_TIMEOUT_MS = 30_000;

type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;

function value(item: DicomJson, tag: string): unknown {
  return item[tag]?.Value?.[0];
}

function text(item: DicomJson, tag: string): string {
  const v = value(item, tag);
  if (v && typeof v === 'object' && 'Alphabetic' in v)
    return String((v as { Alphabetic: unknown }).Alphabetic);
  return v === undefined || v === null ? '' : String(v);
}

function isoDate(dicomDate: string): string | null {
  return /^\d{8}$/.test(dicomDate)
    ? `${dicomDate.slice(0, 4)}-${dicomDate.slice(4, 6)}-${dicomDate.slice(6, 8)}`
    : null;
}

/** Splits `http://user:password@host/dicom-web` into the URL and its credentials (as `npm run grade -- --pacs` takes it). */
export function serverFromUrl(raw: string): DicomWebServer {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError(
      'INVALID_INPUT',
      `“${raw}” is not a URL (e.g. http://user:password@pacs:8042/dicom-web).`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new AppError(
      'INVALID_INPUT',
      `The PACS URL must start with http:// or https://, not ${url.protocol}.`,
    );
  const username = url.username ? decodeURIComponent(url.username) : null;
  const password = url.password ? decodeURIComponent(url.password) : null;
  url.username = '';
  url.password = '';
  return { url: url.toString().replace(/\/+$/, ''), username, password };
}

/**
 * A server EyeNet sends requests to (a PACS, a FHIR endpoint), with its credentials and a time limit: every failure
 * to reach it, a refusal of the credentials and a silence end in a sentence that names it and where it is.
 */
export class RemoteServer {
  readonly server: DicomWebServer;
  private readonly timeoutMs: number;
  /** What the sentences call it ("PACS", "FHIR endpoint"). */
  private readonly label: string;

  constructor(server: DicomWebServer, options: { timeoutMs?: number; label?: string } = {}) {
    this.server = { ...server, url: server.url.replace(/\/+$/, '') };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.label = options.label ?? 'PACS';
  }

  /** Where the server is, for sentences: never with its password. */
  get where(): string {
    return `the ${this.label} at ${this.server.url}`;
  }

  authorization(): Record<string, string> {
    if (!this.server.username) return {};
    const pair = `${this.server.username}:${this.server.password ?? ''}`;
    return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
  }

  /** A request to the server (a path under its root, or an absolute URL on it), failures as sentences. */
  async request(pathOrUrl: string, init: RequestInit = {}): Promise<Response> {
    const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : `${this.server.url}${pathOrUrl}`;
    let response: Response;
    try {
      response = await fetch(url, {
        ...init,
        headers: { ...this.authorization(), ...(init.headers as Record<string, string> | undefined) },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      if ((error as Error).name === 'TimeoutError')
        throw new AppError(
          'REMOTE_UNAVAILABLE',
          `${capital(this.where)} did not answer within ${Math.round(this.timeoutMs / 1000)} s. Try again later.`,
        );
      throw new AppError(
        'REMOTE_UNAVAILABLE',
        `Cannot reach ${this.where}${cause ? ` (${cause})` : ''}: is it running, and is the address right?`,
      );
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new AppError(
        'REMOTE_UNAVAILABLE',
        `${capital(this.where)} refused ${this.server.username ? `the user “${this.server.username}”` : 'a request without a user name'}: check the user name and password in the settings.`,
      );
    }
    return response;
  }

  /** Throws the sentence for an answer that is not a success. */
  async failed(response: Response, what: string): Promise<never> {
    const detail = (await response.text().catch(() => '')).slice(0, 200).replace(/\s+/g, ' ');
    throw new AppError(
      'REMOTE_UNAVAILABLE',
      `${capital(this.where)} could not ${what} (HTTP ${response.status}${detail ? `: ${detail}` : ''}).`,
    );
  }
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export class DicomWebClient extends RemoteServer {
  /** Studies of fundus photographs (OP or XC) since a date (YYYY-MM-DD), or all of them when null. */
  async searchStudies(
    since: string | null,
    modalities: readonly string[] = FUNDUS_MODALITIES,
  ): Promise<StudySummary[]> {
    const found = new Map<string, StudySummary>();
    // One query per modality: servers differ in whether a list of modalities in one query means "any of them".
    for (const modality of modalities) {
      const query = new URLSearchParams({ ModalitiesInStudy: modality });
      if (since) query.set('StudyDate', `${since.replaceAll('-', '')}-`);
      query.set('includefield', '00100020,00100010,00080020,00080061');
      const response = await this.request(`/studies?${query}`, {
        headers: { accept: 'application/dicom+json' },
      });
      if (response.status === 204) continue;
      if (!response.ok) await this.failed(response, 'list its studies');
      const items = (await response.json()) as DicomJson[];
      for (const item of items) {
        const uid = text(item, '0020000D');
        if (!uid) continue;
        found.set(uid, {
          studyInstanceUid: uid,
          patientId: text(item, '00100020'),
          patientName: text(item, '00100010'),
          studyDate: isoDate(text(item, '00080020')),
          modalities: (item['00080061']?.Value ?? []).map(String),
        });
      }
    }
    return [...found.values()].sort((a, b) => (a.studyDate ?? '').localeCompare(b.studyDate ?? ''));
  }

  /** Every instance of a study, as DICOM Part 10 files (WADO-RS). */
  async retrieveStudy(studyInstanceUid: string): Promise<Uint8Array[]> {
    const response = await this.request(`/studies/${encodeURIComponent(studyInstanceUid)}`, {
      headers: { accept: 'multipart/related; type="application/dicom"' },
    });
    if (response.status === 404)
      throw new AppError('NOT_FOUND', `${capital(this.where)} no longer has study ${studyInstanceUid}.`);
    if (!response.ok) await this.failed(response, `send study ${studyInstanceUid}`);
    const boundary = boundaryOf(response.headers.get('content-type'));
    if (!boundary)
      throw new AppError(
        'REMOTE_UNAVAILABLE',
        `${capital(this.where)} answered study ${studyInstanceUid} without a multipart body.`,
      );
    return parseMultipart(new Uint8Array(await response.arrayBuffer()), boundary);
  }

  /** Stores DICOM Part 10 files (STOW-RS); throws unless the server stored every one. */
  async store(files: readonly Uint8Array[]): Promise<void> {
    const { body, contentType } = buildMultipart(
      files,
      'application/dicom',
      `eyenet-${randomBytes(12).toString('hex')}`,
    );
    const response = await this.request('/studies', {
      method: 'POST',
      body: new Uint8Array(body),
      headers: { 'content-type': contentType, accept: 'application/dicom+json' },
    });
    if (!response.ok) await this.failed(response, 'store the result');
    const answer = (await response.json().catch(() => ({}))) as DicomJson;
    // Failed SOP Sequence (0008,1198): the instances the server did not keep.
    const failed = answer['00081198']?.Value?.length ?? 0;
    if (failed > 0)
      throw new AppError(
        'REMOTE_UNAVAILABLE',
        `${capital(this.where)} refused ${failed} of ${files.length} files it was sent.`,
      );
  }
}
