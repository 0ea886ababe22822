import { describe, expect, it, vi } from 'vitest';

let limit = 15;
const calls: string[] = [];
vi.mock('../lib/api.ts', () => ({
  ApiFailure: class extends Error {},
  messageOf: (e: unknown) => String(e),
  onSignInNeeded: () => undefined,
  call: vi.fn(async (channel: string) => {
    calls.push(channel);
    if (channel === 'auth:status')
      return {
        setupNeeded: false,
        user: { id: 1, username: 'drlee', displayName: 'Dr Lee', role: 'clinician' },
        locked: false,
        idleLockMinutes: limit,
      };
    if (channel === 'auth:lock') return { locked: true };
    throw new Error(`unexpected ${channel}`);
  }),
}));

const { AuthState } = await import('./auth.svelte.ts');

describe('the idle lock of an open window', () => {
  it('follows a limit an administrator changed after the window opened', async () => {
    let clock = 0;
    const auth = new AuthState(() => clock);
    await auth.check();
    // The administrator shortens the limit to 5 minutes; this window read 15 at start.
    limit = 5;
    clock = 6 * 60_000;
    await auth.lockIfIdle();
    expect(auth.locked).toBe(true);
    expect(auth.lockedBy).toBe('idle');
    expect(calls).toContain('auth:lock');
  });
});
