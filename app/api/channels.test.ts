import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../contract/index.ts';
import { handlers } from './handlers/index.ts';

// Who may call what, channel by channel: A administrator, C clinician, T technician, * anyone (no sign-in).
// Changing a line here is a reviewed change to the attack surface.
const ACCESS: Record<string, string> = {
  'app:info': '*',
  'app:changes': 'ACT',
  'app:clinicServer': 'A',
  'app:useClinicServer': 'A',
  'auth:status': '*',
  'auth:setup': '*',
  'auth:login': '*',
  'auth:logout': '*',
  'auth:lock': 'ACT',
  'auth:changePassword': 'ACT',
  'users:list': 'A',
  'users:create': 'A',
  'users:update': 'A',
  'audit:list': 'A',
  'audit:verify': 'A',
  'backups:status': 'A',
  'backups:setFolder': 'A',
  'backups:run': 'A',
  'patients:list': 'ACT',
  'patients:create': 'CT',
  'patients:get': 'ACT',
  'patients:update': 'CT',
  'patients:merge': 'CT',
  'visits:create': 'CT',
  'visits:update': 'CT',
  'visits:signOff': 'C',
  'settings:get': 'ACT',
  'settings:update': 'A',
  'settings:policyImpact': 'A',
  'settings:operatingPointImpact': 'A',
  'imports:plan': 'CT',
  'imports:dicomPlan': 'CT',
  'imports:dicom': 'CT',
  'images:import': 'CT',
  'images:file': 'ACT',
  'images:move': 'CT',
  'images:regrade': 'C',
  'reviews:queue': 'ACT',
  'reviews:count': 'ACT',
  'reviews:submit': 'C',
  'reviews:readings': 'C',
  'reviews:secondRead': 'C',
  'reviews:arbitrate': 'C',
  'records:delete': 'CT',
  'records:restore': 'CT',
  'records:deleted': 'ACT',
  'worklists:get': 'ACT',
  'referrals:record': 'CT',
  'reports:pdf': 'ACT',
  'reports:open': 'ACT',
  'exports:csv': 'ACT',
  'exports:fhir': 'ACT',
  'watch:status': 'ACT',
  'watch:assign': 'CT',
  'watch:dismiss': 'CT',
  'learning:status': 'ACT',
  'learning:models': 'ACT',
  'learning:promote': 'C',
  'learning:override': 'A',
  'learning:rollback': 'C',
  'learning:fineTune': 'C',
  'learning:job': 'ACT',
  'learning:cancel': 'C',
  'pacs:servers': 'ACT',
  'pacs:saveServer': 'A',
  'pacs:removeServer': 'A',
  'pacs:pull': 'CT',
  'pacs:push': 'C',
  'pacs:outbox': 'ACT',
};

const letters = { administrator: 'A', clinician: 'C', technician: 'T' } as const;

describe('API channels', () => {
  it('is exactly this list, each allowing exactly these roles', () => {
    expect([...CHANNELS].sort()).toEqual(Object.keys(ACCESS).sort());
    for (const [channel, handler] of Object.entries(handlers)) {
      const allowed = handler.roles === 'anyone' ? '*' : handler.roles.map((r) => letters[r]).join('');
      expect([channel, [...allowed].sort().join('')]).toEqual([
        channel,
        [...ACCESS[channel]!].sort().join(''),
      ]);
    }
  });

  it('has one handler per channel, keyed area:action, each with a security contract and an audit rule', () => {
    expect(Object.keys(handlers).sort()).toEqual([...CHANNELS].sort());
    for (const [channel, handler] of Object.entries(handlers)) {
      expect(channel).toMatch(/^[a-z]+:[a-z][a-zA-Z]*$/);
      expect(handler.contract.length).toBeGreaterThan(10);
      expect(['change', 'view', 'none']).toContain(handler.audit);
    }
  });
});
