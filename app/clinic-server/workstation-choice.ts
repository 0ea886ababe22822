// A desktop workstation that uses a clinic server instead of its own record: the server's address and the
// certificate fingerprint the person checked once against what the server printed. Every connection after that
// is accepted only with that certificate; a different one (replaced, or someone in between) is refused with a
// sentence, never silently accepted.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connect } from 'node:tls';
import { AppError } from '../../domain/errors.ts';
import { certificateMatches, normalizeFingerprint } from './fingerprint.ts';
import { isLoopback } from './network-address.ts';

export interface ClinicServerChoice {
  /** The server's address, https://host:port/ with the workstation token after # (as the server printed it). */
  url: string;
  fingerprint: string;
}

const CHOICE_FILE = 'clinic-server.json';

/** Checks what was typed: an https address (http only for this computer) and a SHA-256 fingerprint. */
export function parseChoice(url: string, fingerprint: string): ClinicServerChoice {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new AppError(
      'INVALID_INPUT',
      `“${url}” is not an address: copy it as the clinic server printed it.`,
    );
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopback(parsed.hostname)))
    throw new AppError('INVALID_INPUT', 'A clinic server on another computer is reached over https:// only.');
  return { url: parsed.toString(), fingerprint: normalizeFingerprint(fingerprint) };
}

export function readChoice(userDataDir: string): ClinicServerChoice | null {
  const file = path.join(userDataDir, CHOICE_FILE);
  if (!existsSync(file)) return null;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as ClinicServerChoice;
  return parseChoice(saved.url, saved.fingerprint);
}

export function saveChoice(userDataDir: string, choice: ClinicServerChoice): void {
  writeFileSync(path.join(userDataDir, CHOICE_FILE), JSON.stringify(choice, null, 2), { mode: 0o600 });
}

/** Back to this workstation's own record. */
export function clearChoice(userDataDir: string): void {
  rmSync(path.join(userDataDir, CHOICE_FILE), { force: true });
}

/** The certificate the server at `url` presents now (PEM), whatever it is: it is judged by its fingerprint. */
export function presentedCertificate(url: string, timeoutMs = 10_000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: hostname,
      port: Number(port || 443),
      servername: hostname,
      rejectUnauthorized: false,
    });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new AppError('REMOTE_UNAVAILABLE', `The clinic server at ${hostname}:${port} did not answer.`));
    });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerX509Certificate();
      socket.end();
      if (!cert)
        reject(
          new AppError('REMOTE_UNAVAILABLE', `The clinic server at ${hostname} presented no certificate.`),
        );
      else resolve(cert.toString());
    });
    socket.once('error', (error) =>
      reject(
        new AppError(
          'REMOTE_UNAVAILABLE',
          `Cannot reach the clinic server at ${hostname}:${port} over HTTPS (${(error as NodeJS.ErrnoException).code ?? error.message}).`,
        ),
      ),
    );
  });
}

/** Refuses a server whose certificate is not the one checked. */
export async function verifyChoice(choice: ClinicServerChoice): Promise<void> {
  const pem = await presentedCertificate(choice.url);
  if (!certificateMatches(pem, choice.fingerprint))
    throw new AppError(
      'FORBIDDEN',
      `The clinic server at ${new URL(choice.url).host} presents a different certificate from the one checked ` +
        `(${choice.fingerprint.slice(0, 11)}…). It may have been replaced, or someone may be in between: ask the ` +
        'administrator to compare the fingerprint the server prints before going on.',
    );
}

/**
 * Electron's certificate check for the chosen server (session.setCertificateVerifyProc): 0 accepts, -2 refuses.
 * The pinned certificate is the only one accepted for the server's host, whoever signed it; other hosts get
 * Chromium's own verdict (-3).
 */
export function pinnedVerdict(
  choice: ClinicServerChoice,
  request: { hostname: string; certificate: { data: string } },
): 0 | -2 | -3 {
  if (request.hostname !== new URL(choice.url).hostname) return -3;
  return certificateMatches(request.certificate.data, choice.fingerprint) ? 0 : -2;
}

/**
 * The desktop app's command line for the choice: `--clinic-server URL --fingerprint FP` uses a server (checked
 * now, then remembered), `--own-record` goes back to this workstation's own record. Other arguments are not ours.
 */
export function clinicServerArgs(argv: readonly string[]): {
  choice: ClinicServerChoice | null;
  ownRecord: boolean;
} {
  const after = (flag: string) => {
    const at = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    if (at === -1) return null;
    const arg = argv[at]!;
    return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (argv[at + 1] ?? '');
  };
  const url = after('--clinic-server');
  const fingerprint = after('--fingerprint');
  if (url !== null && fingerprint === null)
    throw new AppError(
      'INVALID_INPUT',
      'Give the fingerprint the clinic server printed: --fingerprint AB:CD:…',
    );
  return {
    choice: url === null ? null : parseChoice(url, fingerprint ?? ''),
    ownRecord: argv.includes('--own-record'),
  };
}
