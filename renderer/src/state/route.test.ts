import { describe, expect, it } from 'vitest';
import { routeFromHash, routeToHash, type Route } from './route.ts';

describe('routes in the address bar', () => {
  it('round-trips every page, so a reload keeps the page', () => {
    const routes: Route[] = [
      { name: 'patients' },
      { name: 'patient', id: 42 },
      { name: 'worklists' },
      { name: 'import' },
      { name: 'review' },
      { name: 'settings' },
      { name: 'deleted' },
    ];
    for (const route of routes) expect(routeFromHash(routeToHash(route))).toEqual(route);
  });

  it('falls back to the patient list for the token fragment and anything unknown', () => {
    for (const hash of ['', '#token=abc', '#/patient/x', '#/nope', '#/patient/1/2'])
      expect(routeFromHash(hash)).toEqual({ name: 'patients' });
  });
});
