import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../domain/errors.ts';

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Files stored by the SHA-256 of their content under `<root>/<aa>/<sha256>`. A file is written to a temporary
 * name in the same folder and renamed into place, so a crash never leaves a half-written photograph under a
 * valid name, and the same photograph imported twice is stored once.
 */
export class ImageStore {
  constructor(readonly root: string) {}

  pathFor(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new AppError('INVALID_INPUT', 'Not a SHA-256 digest.');
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  /** `sha256` may be passed when the caller already hashed `bytes`, so a large photograph is hashed once. */
  async put(
    bytes: Uint8Array,
    sha256: string = sha256Hex(bytes),
  ): Promise<{ sha256: string; created: boolean }> {
    const target = this.pathFor(sha256);
    if (await exists(target)) return { sha256, created: false };
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, bytes, { flag: 'wx', mode: 0o600 });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return { sha256, created: true };
  }

  async get(sha256: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.pathFor(sha256)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new AppError('NOT_FOUND', 'The stored image file is missing from the data folder.');
      }
      throw error;
    }
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
