// `npm run serve`: the real UI in any local browser, through the same handler map the Electron app uses.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDispatch } from './api/dispatch.ts';
import { handlers } from './api/handlers/index.ts';
import { createApiServer, listenOnLoopback } from './http/server.ts';
import { createAppContext } from './services/app-context.ts';
import { startupFailureMessage } from './services/startup-failure.ts';
import { activeModelDir, defaultDataDir, packageVersion, projectRoot } from './services/paths.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'data-dir': { type: 'string' },
    model: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log('Usage: npm run serve -- [--port N] [--data-dir DIR] [--model DIR]');
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
const token = randomBytes(24).toString('base64url');
const server = createApiServer({ dispatch: createDispatch(handlers, ctx), token, staticDir });
const actualPort = await listenOnLoopback(server, port);

await ctx.grading.ready;
console.log(`EyeNet is serving on http://127.0.0.1:${actualPort}/#token=${token}`);
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
  server.close();
  server.closeAllConnections();
  await ctx.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
