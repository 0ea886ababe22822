import { rm } from 'node:fs/promises';
import type { Database } from '../db/database.ts';
import { isNamedFile } from '../db/stored-files-repo.ts';
import type { ImageStore } from './image-store.ts';

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
      if (!isNamedFile(db, sha256)) await rm(store.pathFor(sha256), { force: true }).catch(() => undefined);
    throw error;
  }
}
