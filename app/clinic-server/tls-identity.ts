// The clinic server's certificate: the clinic's own (--cert, --key), or one EyeNet makes at first start and keeps
// in the data folder (owner-only), so its fingerprint stays the same across restarts and workstations check it once.
import { createSecureContext } from 'node:tls';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { generate } from 'selfsigned';
import { AppError, errorMessage } from '../../domain/errors.ts';
import { restrictToOwner } from '../services/owner-only.ts';
import { fingerprintOf, spkiHashOf } from './fingerprint.ts';

export interface TlsIdentity {
  cert: string;
  key: string;
  /** SHA-256 of the certificate, "AB:CD:…": shown at start, checked once by each workstation. */
  fingerprint: string;
  spkiSha256: string;
  /** Made now (first start), rather than read from the data folder or the clinic's files. */
  created: boolean;
}

export const IDENTITY_FOLDER = 'clinic-server';

function identityOf(cert: string, key: string, created: boolean, where: string): TlsIdentity {
  try {
    createSecureContext({ cert, key }); // a key that does not belong to the certificate fails here
  } catch (error) {
    throw new AppError(
      'INVALID_INPUT',
      `${where}: the certificate and key do not go together or cannot be read (${errorMessage(error)}).`,
    );
  }
  return { cert, key, fingerprint: fingerprintOf(cert), spkiSha256: spkiHashOf(cert), created };
}

/**
 * The server's certificate and key. With `certFile` and `keyFile`, the clinic's; otherwise the one made at first
 * start for `names` (host names and addresses the workstations use), kept in `<dataDir>/clinic-server/`.
 */
export async function serverIdentity(options: {
  dataDir: string;
  certFile?: string;
  keyFile?: string;
  names: readonly string[];
}): Promise<TlsIdentity> {
  if (options.certFile || options.keyFile) {
    if (!options.certFile || !options.keyFile)
      throw new AppError('INVALID_INPUT', 'Give both --cert and --key (PEM files), or neither.');
    const read = (file: string) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        throw new AppError('INVALID_INPUT', `Cannot read ${file}.`);
      }
    };
    return identityOf(read(options.certFile), read(options.keyFile), false, options.certFile);
  }
  const folder = path.join(options.dataDir, IDENTITY_FOLDER);
  const certFile = path.join(folder, 'cert.pem');
  const keyFile = path.join(folder, 'key.pem');
  if (existsSync(certFile) && existsSync(keyFile))
    return identityOf(readFileSync(certFile, 'utf8'), readFileSync(keyFile, 'utf8'), false, certFile);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  restrictToOwner(folder, 0o700);
  const now = new Date();
  const made = await generate([{ name: 'commonName', value: options.names[0] ?? 'EyeNet clinic server' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 5 * 365 * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: options.names.map((n) =>
          isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n },
        ),
      },
    ],
  });
  writeFileSync(keyFile, made.private, { mode: 0o600 });
  writeFileSync(certFile, made.cert, { mode: 0o644 });
  return identityOf(made.cert, made.private, true, certFile);
}

/**
 * The token a workstation's address carries: random, made once per data folder for a server on the network (a
 * bookmark keeps working after a restart), owner-only.
 */
export function persistentToken(dataDir: string, make: () => string): string {
  const file = path.join(dataDir, IDENTITY_FOLDER, 'token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const token = make();
  writeFileSync(file, token, { mode: 0o600 });
  return token;
}
