// Shared by the Electron window and the loopback HTTP server: the renderer runs under the same policy in both.

/** Scripts and styles only from the app itself; images also from blob: (photographs fetched through the API). */
const DIRECTIVES = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
];

/** The policy as an HTTP header (`npm run serve`, and Electron's response headers). */
export const CONTENT_SECURITY_POLICY = DIRECTIVES.join('; ');

/**
 * The same policy for index.html's <meta> tag, which is what file:// pages get. Browsers ignore (and log an
 * error for) frame-ancestors in a meta tag, so it is left out there; the header carries it.
 */
export const META_CONTENT_SECURITY_POLICY = DIRECTIVES.filter((d) => !d.startsWith('frame-ancestors')).join(
  '; ',
);
