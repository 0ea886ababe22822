import type { FundusImage, SignedInUser, VisitSignOff } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import { ROLE_LABELS } from '../../domain/roles.ts';
import { prepared, type Database } from '../db/database.ts';

interface SignOffRow {
  visit_id: number;
  signer_name: string;
  signer_role: string;
  signed_at: string;
  reviews_digest: string;
}

/** The reviews a sign-off stands on: the latest review of every graded photograph of the visit, by id. */
export function reviewsDigest(images: readonly Pick<FundusImage, 'result' | 'review'>[]): string {
  return images
    .filter((i) => i.result)
    .map((i) => i.review?.id ?? 'unreviewed')
    .map(String)
    .sort()
    .join(',');
}

/** The latest sign-off of each visit, current only while the visit's reviews are those it signed. */
export function signOffsOf(
  db: Database,
  visits: readonly { id: number; images: readonly Pick<FundusImage, 'result' | 'review'>[] }[],
): Map<number, VisitSignOff> {
  const rows = prepared<[string], SignOffRow>(
    db,
    `SELECT s.* FROM visit_signoffs s
       WHERE s.visit_id IN (SELECT value FROM json_each(?))
         AND s.id = (SELECT MAX(id) FROM visit_signoffs WHERE visit_id = s.visit_id)`,
  ).all(JSON.stringify(visits.map((v) => v.id)));
  const byVisit = new Map(visits.map((v) => [v.id, v]));
  return new Map(
    rows.map((r) => [
      r.visit_id,
      {
        by: r.signer_name,
        role: r.signer_role,
        at: r.signed_at,
        current: r.reviews_digest === reviewsDigest(byVisit.get(r.visit_id)?.images ?? []),
      },
    ]),
  );
}

/**
 * A clinician signs a visit off: only once every photograph of it has a clinician's review (the outcome is
 * final). The sign-off names the reviews it stands on; a later review (an amendment) makes it stale.
 */
export function signOffVisit(
  db: Database,
  visit: { id: number; date: string; images: readonly FundusImage[]; outcome: { final: boolean } },
  signer: SignedInUser,
  now = new Date(),
): VisitSignOff {
  if (!visit.images.some((i) => i.result))
    throw new AppError('CONFLICT', `The visit of ${visit.date} has no graded photograph to sign off.`);
  if (!visit.outcome.final || visit.images.some((i) => i.result && !i.review))
    throw new AppError(
      'CONFLICT',
      `The visit of ${visit.date} cannot be signed off yet: every photograph needs a clinician's review first.`,
    );
  const role = ROLE_LABELS[signer.role].toLowerCase();
  prepared(
    db,
    `INSERT INTO visit_signoffs (visit_id, user_id, signer_name, signer_role, signed_at, reviews_digest)
       VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(visit.id, signer.id, signer.displayName, role, now.toISOString(), reviewsDigest(visit.images));
  return { by: signer.displayName, role, at: now.toISOString(), current: true };
}
