import type { LocalPhotograph } from '../../training/local/fine-tune-local.ts';
import type { Database } from '../db/database.ts';
import type { ImageStore } from '../services/image-store.ts';
import { validatedSet } from './validated-set.ts';

/** The record's validated set as the fine-tune reads it: the stored original of each, labelled by the clinician. */
export function localPhotographs(db: Database, store: ImageStore): LocalPhotograph[] {
  return validatedSet(db).photographs.map((p) => ({
    key: p.sha256,
    patient: p.clinicId,
    grade: p.grade,
    maculopathy: p.maculopathy,
    read: () => store.get(p.sha256),
  }));
}
