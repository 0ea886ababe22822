// `npm run serve`: the real UI in any local browser, through the same handler map the Electron app uses.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDispatch } from './api/dispatch.ts';
import { handlers } from './api/handlers/index.ts';
import { createApiServer, listen } from './http/server.ts';
import os from 'node:os';
import { isLoopback, localNames } from './clinic-server/network-address.ts';
import { persistentToken, serverIdentity, type TlsIdentity } from './clinic-server/tls-identity.ts';
import { startOutbox } from './pacs/pacs-outbox.ts';
import { errorMessage } from '../domain/errors.ts';
import { createAppContext } from './services/app-context.ts';
import { startupFailureMessage } from './services/startup-failure.ts';
import { activeModelDir, defaultDataDir, packageVersion, projectRoot } from './services/paths.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'data-dir': { type: 'string' },
    model: { type: 'string' },
    listen: { type: 'string', default: '127.0.0.1' },
    https: { type: 'boolean', default: false },
    cert: { type: 'string' },
    key: { type: 'string' },
    name: { type: 'string', multiple: true },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run serve -- [--port N] [--data-dir DIR] [--model DIR]
       [--listen ADDRESS] [--https] [--cert FILE --key FILE] [--name HOST ...]

Without --listen: this computer only (http://127.0.0.1). With --listen 0.0.0.0 (or an address of this
computer), a clinic server for the workstations, always over HTTPS: with the clinic's certificate (--cert,
--key: PEM files), or one EyeNet makes at first start for this computer's names and addresses (and each
--name) and keeps in the data folder. Its SHA-256 fingerprint is printed: check it once on each workstation.`);
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a number from 0 to 65535, got "${values.port}".`);
  process.exit(2);
}

const root = projectRoot();
const staticDir = path.join(root, 'dist', 'renderer');

const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
let ctx: ReturnType<typeof createAppContext>;
try {
  ctx = createAppContext({
    dataDir,
    modelDir: values.model ? path.resolve(values.model) : activeModelDir(path.join(root, 'resources')),
    appVersion: packageVersion(root),
  });
} catch (error) {
  // A damaged or foreign database, a newer app's record: a sentence that says what to do, never a stack trace.
  console.error(startupFailureMessage(error, dataDir));
  process.exit(2);
}
// The record is opened first: a damaged one is the more important thing to hear about.
if (!existsSync(path.join(staticDir, 'index.html'))) {
  console.error('The renderer is not built: run `npm run build:renderer` (npm run serve does it for you).');
  await ctx.close();
  process.exit(2);
}
const network = !isLoopback(values.listen);
const secure = network || values.https || !!values.cert;
const names = [...(values.name ?? []), ...localNames()];
let identity: TlsIdentity | null = null;
if (secure) {
  try {
    identity = await serverIdentity({
      dataDir,
      names,
      ...(values.cert ? { certFile: path.resolve(values.cert) } : {}),
      ...(values.key ? { keyFile: path.resolve(values.key) } : {}),
    });
  } catch (error) {
    console.error(errorMessage(error));
    await ctx.close();
    process.exit(2);
  }
}
// On the network the token stays the same across restarts: workstations keep their address.
const newToken = () => randomBytes(24).toString('base64url');
const token = network ? persistentToken(dataDir, newToken) : newToken();
const server = createApiServer({
  dispatch: createDispatch(handlers, ctx),
  token,
  staticDir,
  ...(identity ? { tls: { cert: identity.cert, key: identity.key } } : {}),
});
let actualPort: number;
try {
  actualPort = await listen(server, port, values.listen);
} catch (error) {
  console.error(`Cannot serve on ${values.listen}:${port}: ${errorMessage(error)}`);
  await ctx.close();
  process.exit(2);
}
const stopOutbox = startOutbox(ctx);

await ctx.grading.ready;
const shownHost = network ? (values.name?.[0] ?? os.hostname()) : '127.0.0.1';
console.log(`EyeNet is serving on ${secure ? 'https' : 'http'}://${shownHost}:${actualPort}/#token=${token}`);
if (identity) {
  console.log(
    `certificate${identity.created ? ' (made now, kept in the data folder)' : ''}: SHA-256 fingerprint ${identity.fingerprint}`,
  );
  if (network)
    console.log(`listening on ${values.listen}: workstations check that fingerprint once, then sign in.`);
}
console.log(`data folder: ${dataDir}`);
if (ctx.readOnly) console.error(`READ-ONLY: ${ctx.readOnly}`);
console.log(
  ctx.grading.model
    ? `model: ${ctx.grading.model.name} ${ctx.grading.model.version}${ctx.grading.model.validated ? '' : ' (NOT VALIDATED)'} · backend: ${ctx.grading.backend}`
    : `grading unavailable: ${ctx.grading.error}`,
);
if (ctx.grading.engineNote) console.log(ctx.grading.engineNote);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  stopOutbox();
  server.close();
  server.closeAllConnections();
  await ctx.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
