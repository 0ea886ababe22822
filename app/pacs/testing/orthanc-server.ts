// A real Orthanc for tests and the bench: Debian's `orthanc` with its DICOMweb plugin, on loopback, with its own
// storage folder and configuration (authentication on, remote access off, CheckRevisions on, no DICOM port).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ORTHANC = '/usr/sbin/Orthanc';
const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

/** Whether Debian's Orthanc and its DICOMweb plugin are installed (.ci/run installs both). */
export const orthancInstalled = existsSync(ORTHANC) && existsSync(DICOMWEB_PLUGIN);

export interface TestOrthanc {
  /** The DICOMweb root, without credentials. */
  dicomWeb: string;
  /** The same with the credentials in it, as `npm run grade -- --pacs` takes it. */
  dicomWebWithCredentials: string;
  rest: string;
  username: string;
  password: string;
  port: number;
  /** Stores DICOM files through the REST API (as a camera or a router would send them). */
  upload(files: readonly Uint8Array[]): Promise<string[]>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export async function startOrthanc(options: { checkRevisions?: boolean } = {}): Promise<TestOrthanc> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eyenet-orthanc-'));
  const port = await freePort();
  const username = 'eyenet';
  const password = `pw-${process.pid}-${port}`;
  writeFileSync(
    path.join(dir, 'orthanc.json'),
    JSON.stringify({
      Name: 'EyeNetTest',
      StorageDirectory: path.join(dir, 'storage'),
      IndexDirectory: path.join(dir, 'storage'),
      HttpPort: port,
      DicomServerEnabled: false,
      RemoteAccessAllowed: false,
      AuthenticationEnabled: true,
      RegisteredUsers: { [username]: password },
      CheckRevisions: options.checkRevisions ?? true,
      Plugins: [DICOMWEB_PLUGIN],
      DicomWeb: { Enable: true, Root: '/dicom-web/' },
      ConcurrentJobs: 1,
    }),
  );
  const child: ChildProcess = spawn(ORTHANC, [path.join(dir, 'orthanc.json')], { stdio: 'ignore' });
  const rest = `http://127.0.0.1:${port}`;
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const response = await fetch(`${rest}/system`, { headers: { authorization } });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`Orthanc did not start on port ${port}.`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    dicomWeb: `${rest}/dicom-web`,
    dicomWebWithCredentials: `http://${username}:${password}@127.0.0.1:${port}/dicom-web`,
    rest,
    username,
    password,
    port,
    async upload(files) {
      const ids: string[] = [];
      for (const file of files) {
        const response = await fetch(`${rest}/instances`, {
          method: 'POST',
          body: new Uint8Array(file),
          headers: { authorization },
        });
        if (!response.ok) throw new Error(`Orthanc refused an upload: HTTP ${response.status}`);
        ids.push(((await response.json()) as { ParentStudy: string }).ParentStudy);
      }
      return ids;
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Orthanc's version, for the bench's notes. */
export function orthancVersion(): string {
  const out = spawnSync(ORTHANC, ['--version'], { encoding: 'utf8' });
  return out.stdout.split('\n')[0]?.trim() ?? '';
}
