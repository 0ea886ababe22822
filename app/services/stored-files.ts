import { rm } from 'node:fs/promises';
import { prepared, type Database } from '../db/database.ts';
import type { ImageStore } from './image-store.ts';

/** Whether any row (a photograph, its thumbnail or DICOM file, a result's preview or heatmap) names this file. */
function referenced(db: Database, sha256: string): boolean {
  return (
    prepared<[string, string, string, string, string], { n: number }>(
      db,
      `SELECT (SELECT COUNT(*) FROM images WHERE sha256 = ? OR thumbnail_sha256 = ? OR dicom_sha256 = ?)
            + (SELECT COUNT(*) FROM results WHERE preview_sha256 = ? OR heatmap_sha256 = ?) AS n`,
    ).get(sha256, sha256, sha256, sha256, sha256)!.n > 0
  );
}

export type PutFile = (bytes: Uint8Array, sha256?: string) => Promise<{ sha256: string; created: boolean }>;

/**
 * Runs work that stores files and then records rows pointing at them. If the work fails (a full disk half-way,
 * a database that refuses the rows), the files it created that no row names are removed again: a failed
 * import leaves no orphan files behind. A file another import already shares is never removed.
 */
export async function withStoredFiles<T>(
  store: ImageStore,
  db: Database,
  work: (put: PutFile) => Promise<T>,
): Promise<T> {
  const created: string[] = [];
  const put: PutFile = async (bytes, sha256) => {
    const stored = await store.put(bytes, sha256);
    if (stored.created) created.push(stored.sha256);
    return stored;
  };
  try {
    return await work(put);
  } catch (error) {
    for (const sha256 of created)
      if (!referenced(db, sha256)) await rm(store.pathFor(sha256), { force: true }).catch(() => undefined);
    throw error;
  }
}
