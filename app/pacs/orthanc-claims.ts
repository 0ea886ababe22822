// Which worker grades which study, kept by Orthanc itself: a claim is a metadata entry on the study, written with
// Orthanc's revision check (CheckRevisions), so of two workers claiming at once exactly one succeeds, and a claim
// whose worker died expires and can be taken over (again by a revision-checked write). No queue of our own.
import { AppError } from '../../domain/errors.ts';
import type { DicomWebClient } from './dicomweb-client.ts';

/** The study metadata entry holding the claim (Orthanc's user range starts at 1024; no configuration needed). */
export const CLAIM_METADATA = '4711';

export type ClaimState = 'grading' | 'done' | 'refused';

export interface Claim {
  worker: string;
  state: ClaimState;
  /** ISO time: a `grading` claim older than this has expired (its worker died or hung). */
  until: string;
  /** Why a study was refused (not fundus photographs, unreadable), or what was sent back. */
  note?: string;
}

export interface HeldClaim {
  studyId: string;
  etag: string;
  claim: Claim;
}

/** The Orthanc REST root under a DICOMweb URL that ends in /dicom-web (the plugin's default root). */
export function orthancRestRoot(dicomWebUrl: string): string {
  const root = dicomWebUrl.replace(/\/+$/, '');
  if (!root.endsWith('/dicom-web'))
    throw new AppError(
      'INVALID_INPUT',
      `Grading workers claim studies through Orthanc: give Orthanc's DICOMweb URL, ending in /dicom-web (got ${dicomWebUrl}).`,
    );
  return root.slice(0, -'/dicom-web'.length);
}

export class OrthancClaims {
  private readonly root: string;
  /**
   * Studies seen done or refused: a claim never leaves those states, so a worker's later passes skip them without
   * asking Orthanc again (two requests per study per pass, for every study the PACS lists, otherwise).
   */
  private readonly finished = new Set<string>();

  constructor(
    private readonly client: DicomWebClient,
    readonly worker: string,
    private readonly ttlMs: number,
  ) {
    this.root = orthancRestRoot(client.server.url);
  }

  /** Refuses an Orthanc that would let two claims through (CheckRevisions off). */
  async checkServer(): Promise<void> {
    const response = await this.client.request(`${this.root}/system`);
    if (!response.ok)
      throw new AppError(
        'REMOTE_UNAVAILABLE',
        `${this.root} is not an Orthanc server (HTTP ${response.status}).`,
      );
    const system = (await response.json()) as { CheckRevisions?: boolean };
    if (!system.CheckRevisions)
      throw new AppError(
        'INVALID_INPUT',
        `The Orthanc at ${this.root} runs without "CheckRevisions": true, so two workers could claim one study. Turn it on in its configuration.`,
      );
  }

  /** Orthanc's own ID of a study, or null when it no longer has it. */
  async studyId(studyInstanceUid: string): Promise<string | null> {
    const response = await this.client.request(`${this.root}/tools/lookup`, {
      method: 'POST',
      body: studyInstanceUid,
    });
    if (!response.ok) return null;
    const found = (await response.json()) as { Type: string; ID: string }[];
    return found.find((f) => f.Type === 'Study')?.ID ?? null;
  }

  private url(studyId: string): string {
    return `${this.root}/studies/${studyId}/metadata/${CLAIM_METADATA}`;
  }

  /** The study's claim and its revision, or null when nobody has claimed it. */
  async read(studyId: string): Promise<{ etag: string; claim: Claim } | null> {
    const response = await this.client.request(this.url(studyId));
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok)
      throw new AppError('REMOTE_UNAVAILABLE', `Orthanc did not show the claim on study ${studyId}.`);
    const etag = response.headers.get('etag') ?? '';
    try {
      return { etag, claim: JSON.parse(await response.text()) as Claim };
    } catch {
      // Not ours: treat it as an expired claim that can be taken over by a revision-checked write.
      return { etag, claim: { worker: '?', state: 'grading', until: new Date(0).toISOString() } };
    }
  }

  /** Writes a claim: without a revision only if none exists, else only over that revision. False when another won. */
  private async write(studyId: string, claim: Claim, etag: string | null): Promise<string | null> {
    const response = await this.client.request(this.url(studyId), {
      method: 'PUT',
      body: JSON.stringify(claim),
      headers: etag ? { 'if-match': etag } : {},
    });
    await response.body?.cancel().catch(() => undefined);
    if (response.status === 409) return null;
    if (!response.ok)
      throw new AppError(
        'REMOTE_UNAVAILABLE',
        `Orthanc refused the claim on study ${studyId} (HTTP ${response.status}).`,
      );
    return response.headers.get('etag');
  }

  /**
   * Claims the study for this worker: the claim held, or null. A study done or refused, or being graded by a worker
   * whose claim has not expired, is left alone (null), as is one Orthanc no longer has.
   */
  async claim(studyInstanceUid: string, now = new Date()): Promise<HeldClaim | null> {
    if (this.finished.has(studyInstanceUid)) return null;
    const studyId = await this.studyId(studyInstanceUid);
    if (!studyId) return null;
    const existing = await this.read(studyId);
    if (existing) {
      if (existing.claim.state !== 'grading') {
        this.finished.add(studyInstanceUid);
        return null;
      }
      if (Date.parse(existing.claim.until) > now.getTime()) return null;
    }
    const claim: Claim = {
      worker: this.worker,
      state: 'grading',
      until: new Date(now.getTime() + this.ttlMs).toISOString(),
    };
    const etag = await this.write(studyId, claim, existing?.etag ?? null);
    return etag ? { studyId, etag, claim } : null;
  }

  /**
   * Ends a claim as done or refused. False when the claim was no longer ours (it expired and another worker took
   * the study over): that worker's result stands.
   */
  async finish(held: HeldClaim, state: Exclude<ClaimState, 'grading'>, note: string): Promise<boolean> {
    const claim: Claim = { ...held.claim, state, note };
    return (await this.write(held.studyId, claim, held.etag)) !== null;
  }

  /** The claim on one study as Orthanc holds it now (null: unclaimed, or no such study), for the bench and tests. */
  async stateOf(studyInstanceUid: string): Promise<Claim | null> {
    const studyId = await this.studyId(studyInstanceUid);
    return studyId ? ((await this.read(studyId))?.claim ?? null) : null;
  }
}
