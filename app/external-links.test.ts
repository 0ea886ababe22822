import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl, isAppUrl } from './external-links.ts';

describe('desktop links', () => {
  it('hands only https pages of the allowed hosts to the system browser', () => {
    expect(isAllowedExternalUrl('https://www.aao.org/eye-health')).toBe(true);
    for (const url of [
      'http://www.aao.org/',
      'https://www.aao.org.evil.example/',
      'https://user:pw@www.aao.org/',
      'https://www.aao.org:8443/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      'not a url',
    ])
      expect([url, isAllowedExternalUrl(url)]).toEqual([url, false]);
  });

  it('knows the app’s own pages by their scheme and host', () => {
    expect(isAppUrl('eyenet://app/index.html')).toBe(true);
    expect(isAppUrl('eyenet://app/#/patients')).toBe(true);
    expect(isAppUrl('eyenet://other/index.html')).toBe(false);
    expect(isAppUrl('file:///app/index.html')).toBe(false);
    expect(isAppUrl(undefined)).toBe(false);
  });
});
