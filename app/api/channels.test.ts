import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../contract/index.ts';
import { handlers } from './handlers/index.ts';

describe('API channels', () => {
  it('is exactly this list: a new channel is a reviewed change to the attack surface', () => {
    expect([...CHANNELS].sort()).toEqual(
      [
        'app:info',
        'images:file',
        'images:import',
        'patients:create',
        'patients:get',
        'patients:list',
        'patients:update',
        'visits:create',
        'visits:update',
        'settings:get',
        'settings:update',
        'imports:plan',
        'imports:dicomPlan',
        'imports:dicom',
        'reviews:queue',
        'reviews:count',
        'reviews:submit',
        'patients:merge',
        'settings:policyImpact',
        'images:move',
        'images:regrade',
        'records:delete',
        'records:restore',
        'records:deleted',
        'worklists:get',
        'reports:pdf',
        'reports:open',
        'exports:csv',
        'exports:fhir',
        'watch:status',
        'watch:assign',
        'watch:dismiss',
        'learning:status',
        'learning:models',
        'learning:promote',
        'learning:rollback',
        'learning:fineTune',
        'learning:job',
        'learning:cancel',
      ].sort(),
    );
  });

  it('has one handler per channel, keyed area:action, each with a security contract', () => {
    expect(Object.keys(handlers).sort()).toEqual([...CHANNELS].sort());
    for (const [channel, handler] of Object.entries(handlers)) {
      expect(channel).toMatch(/^[a-z]+:[a-z][a-zA-Z]*$/);
      expect(handler.contract.length).toBeGreaterThan(10);
    }
  });
});
