// Passwords of remote servers, sealed with AES-256-GCM under a key kept beside the database (owner-only), so a
// copy of the database alone (a backup sent for support, a stolen export) does not give the PACS password away.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../domain/errors.ts';
import { restrictToOwner } from '../services/owner-only.ts';

const KEY_FILE = 'secrets.key';

function keyOf(dataDir: string): Buffer {
  const file = path.join(dataDir, KEY_FILE);
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
  }
  restrictToOwner(file, 0o600);
  const key = readFileSync(file);
  if (key.length !== 32)
    throw new AppError('INTERNAL', `${file} is not a 32-byte key: restore it from a backup.`);
  return key;
}

/** iv (12) · tag (16) · ciphertext. */
export function seal(dataDir: string, secret: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(dataDir), iv);
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function unseal(dataDir: string, sealed: Uint8Array): string {
  const data = Buffer.from(sealed);
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(dataDir), data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(12, 28));
    return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new AppError(
      'INVALID_INPUT',
      'A saved server password cannot be read with this data folder’s key (secrets.key was replaced?): enter the password again in the settings.',
    );
  }
}
