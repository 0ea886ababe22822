import type { ReviewQueueItem } from '../../contract/index.ts';
import { isReferable } from '../../domain/referable.ts';
import type { Database } from '../db/database.ts';
import { getImages } from '../db/images-repo.ts';
import { getPatientRefs } from '../db/patients-repo.ts';
import { unreviewedResults } from '../db/reviews-repo.ts';

/**
 * Unreviewed results, a visit at a time: a reader finishes one patient's visit (right eye, then left) before the
 * next, so a key pressed never lands on another patient unnoticed. Visits are ordered by their most urgent
 * result: referable first (most probable first), then ungradable (a re-image may be needed while the patient is
 * still in the clinic), then the rest in the order they were taken (the sort is stable).
 */
export function reviewQueue(db: Database): ReviewQueueItem[] {
  const rows = unreviewedResults(db);
  const images = getImages(
    db,
    rows.map((r) => r.imageId),
  );
  const patients = getPatientRefs(
    db,
    rows.map((r) => r.patientId),
  );
  const items = rows.map((row): ReviewQueueItem => {
    const image = images.get(row.imageId)!;
    return {
      patient: patients.get(row.patientId)!,
      visitId: row.visitId,
      visitDate: row.visitDate,
      image,
      referable: image.result !== null && isReferable(image.result),
    };
  });
  const rank = (i: ReviewQueueItem) => (i.referable ? 0 : i.image.result?.quality.gradable ? 2 : 1);
  const probability = (i: ReviewQueueItem) => i.image.result?.referableProbability ?? 0;
  const urgency = (a: ReviewQueueItem, b: ReviewQueueItem) =>
    rank(a) - rank(b) || (a.referable ? probability(b) - probability(a) : 0);
  // Each visit takes the place of its most urgent result; within it, right eye then left.
  const byUrgency = items.sort(urgency);
  const order = [...new Set(byUrgency.map((i) => i.visitId))];
  return byUrgency.sort(
    (a, b) =>
      order.indexOf(a.visitId) - order.indexOf(b.visitId) ||
      Number(a.image.eye === 'OS') - Number(b.image.eye === 'OS'),
  );
}
