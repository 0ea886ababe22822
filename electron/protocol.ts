import { protocol } from 'electron';
import { readStaticFile } from '../app/http/static-files.ts';
import { APP_SCHEME } from '../app/external-links.ts';
import { CONTENT_SECURITY_POLICY } from '../app/security.ts';

/**
 * The renderer is served from `eyenet://app/` rather than file://: a page of its own origin cannot read other
 * local files, and its responses carry the full Content-Security-Policy header (frame-ancestors included).
 * Must run before the app is ready.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the built renderer's files (never anything outside its folder) on the app's scheme. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'app' ? await readStaticFile(rendererDir, url.pathname) : null;
    if (!file) return new Response('Not found', { status: 404 });
    return new Response(new Uint8Array(file.body), {
      headers: {
        'content-type': file.contentType,
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
      },
    });
  });
}
