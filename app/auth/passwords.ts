import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { MIN_PASSWORD_LENGTH } from '../../contract/auth.ts';
import { AppError } from '../../domain/errors.ts';

// scrypt from node:crypto: memory-hard, no native add-on to build. N = 2^15, r = 8 needs 32 MiB a hash (128·N·r),
// slow for a guesser and quick enough for a sign-in. The parameters are stored with each hash, so they can be
// raised later without locking anyone out.
const PARAMS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
export { MIN_PASSWORD_LENGTH };

function derive(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 128 * params.N * params.r * 2 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** Runs of one character, or of consecutive digits or letters up or down (1234567890, abcdefghij): guessed first. */
function isSequence(text: string): boolean {
  const codes = [...text].map((c) => c.codePointAt(0)!);
  const step = codes[1]! - codes[0]!;
  if (Math.abs(step) > 1) return false;
  return codes.every(
    (c, i) => i === 0 || c - codes[i - 1]! === step || (step === 1 && codes[i - 1] === 57 && c === 48),
  );
}

/**
 * Refuses, in a sentence, a password too easy to guess: under MIN_PASSWORD_LENGTH characters (spaces at either end
 * not counted), one character repeated, a run like 1234567890, or the user's own name in it.
 */
export function assertPasswordStrength(password: string, username?: string): void {
  const problems: string[] = [];
  const core = password.trim();
  if (core.length < MIN_PASSWORD_LENGTH)
    problems.push(`needs at least ${MIN_PASSWORD_LENGTH} characters (not counting spaces at either end)`);
  else if (isSequence(core.toLowerCase()))
    problems.push('is a run of one character or a sequence like 1234567890');
  if (
    username &&
    username.trim().length >= 3 &&
    password.toLowerCase().includes(username.trim().toLowerCase())
  )
    problems.push('must not contain the user name');
  if (problems.length) throw new AppError('INVALID_INPUT', `This password ${problems.join(', and ')}.`);
}

export async function hashPassword(password: string, username?: string): Promise<string> {
  assertPasswordStrength(password, username);
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

let unknownUserHash: Promise<string> | null = null;

/**
 * A hash of a random password with today's parameters, made once: an unknown user name is checked against it,
 * so the answer takes as long as for a real account.
 */
export function hashForUnknownUser(): Promise<string> {
  unknownUserHash ??= hashPassword(randomBytes(24).toString('base64'));
  return unknownUserHash;
}
