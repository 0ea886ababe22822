// Certificate fingerprints as people compare them: SHA-256 of the certificate, as colon-separated hex (what the
// server prints, browsers show, and a workstation is told to check).
import { X509Certificate, createHash } from 'node:crypto';
import { AppError } from '../../domain/errors.ts';

/** The SHA-256 fingerprint of a certificate (PEM or DER), "AB:CD:…". */
export function fingerprintOf(certificate: string | Uint8Array): string {
  return new X509Certificate(certificate).fingerprint256;
}

/** The base64 SHA-256 of the certificate's public key (Chromium's --ignore-certificate-errors-spki-list takes it). */
export function spkiHashOf(certificate: string | Uint8Array): string {
  const spki = new X509Certificate(certificate).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** A fingerprint as typed or pasted (any case, with or without colons or spaces) → "AB:CD:…"; refuses anything else. */
export function normalizeFingerprint(text: string): string {
  const hex = text
    .replace(/^sha-?256\s*[:=]?\s*/i, '')
    .replace(/[\s:]/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex))
    throw new AppError(
      'INVALID_INPUT',
      'A certificate fingerprint is 64 hexadecimal digits (SHA-256), as the clinic server prints it at start.',
    );
  return hex.match(/../g)!.join(':');
}

/** Whether the certificate is the one pinned (a fingerprint as the server printed it). */
export function certificateMatches(certificate: string | Uint8Array, pinned: string): boolean {
  try {
    return fingerprintOf(certificate) === normalizeFingerprint(pinned);
  } catch {
    return false;
  }
}
