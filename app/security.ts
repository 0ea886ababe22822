// Shared by the Electron window and the loopback HTTP server: the renderer runs under the same policy in both.

/** Scripts and styles only from the app itself; images also from blob: (photographs fetched through the API). */
export const CONTENT_SECURITY_POLICY = [
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
].join('; ');
