// Which web pages the desktop app may hand to the system browser (shell.openExternal). Anything else a page
// asks to open (a link in a report, a crafted URL) is refused: EyeNet has no business sending staff elsewhere.

/** Hosts of clinical references the app may link to; https only. */
export const EXTERNAL_HOSTS: readonly string[] = ['www.aao.org', 'icoph.org', 'www.icoph.org'];

export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' &&
    url.username === '' &&
    url.password === '' &&
    url.port === '' &&
    EXTERNAL_HOSTS.includes(url.hostname)
  );
}

/** The renderer's own origin in the desktop app (a custom scheme, not file://). */
export const APP_SCHEME = 'eyenet';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/** Whether a URL is one of the app's own pages (navigation and IPC are allowed only from these). */
export function isAppUrl(raw: string | undefined): boolean {
  if (!raw) return false;
  try {
    const url = new URL(raw);
    return url.protocol === `${APP_SCHEME}:` && url.host === 'app';
  } catch {
    return false;
  }
}
