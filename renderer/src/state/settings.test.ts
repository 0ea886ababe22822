import { describe, expect, it, vi } from 'vitest';
import type { Channel, SiteSettings } from '$contract/index.ts';

let stored: Partial<SiteSettings> = {
  referableThreshold: null,
  importPattern: '{clinicId}_{eye}',
  clinic: { name: 'North Eye Clinic', address: '1 High Street', paperSize: 'A4', hasLogo: false },
  watchFolder: null,
  promotionMargin: { value: 0.02, default: 0.02, min: 0.01, max: 0.05 },
  secondReading: null,
};
const calls: [Channel, unknown][] = [];
vi.mock('../lib/api.ts', () => ({
  messageOf: (e: unknown) => (e instanceof Error ? e.message : String(e)),
  call: vi.fn(async (channel: Channel, input: unknown) => {
    calls.push([channel, input]);
    if (channel === 'settings:operatingPointImpact')
      return { threshold: (input as { threshold: number }).threshold, current: null, sets: [], model: 'm' };
    if (channel === 'settings:update') stored = { ...stored, ...(input as object) };
    return stored;
  }),
}));

const { SettingsState } = await import('./settings.svelte.ts');

describe('settings page state', () => {
  it('takes the operating point as the percentage it is shown as, refuses one outside 0–100 without saving', async () => {
    const page = new SettingsState();
    await page.load();
    expect(page.threshold).toBe('');
    expect(page.pattern).toBe('{clinicId}_{eye}');

    page.threshold = '150';
    await page.submitThreshold();
    expect(page.savedError).toEqual({
      form: 'threshold',
      message: expect.stringMatching(/between 0 and 100/),
    });
    expect(calls.some(([c]) => c === 'settings:update')).toBe(false);

    page.threshold = '25 %';
    await page.submitThreshold();
    // Not saved yet: what the point means is shown first, and it saves with the reason.
    expect(calls.at(-1)).toEqual(['settings:operatingPointImpact', { threshold: 0.25 }]);
    expect(page.pendingThreshold?.impact.threshold).toBe(0.25);
    page.thresholdReason = 'Fewer false referrals, as agreed.';
    await page.confirmThreshold();
    expect(calls.at(-1)).toEqual([
      'settings:update',
      { referableThreshold: 0.25, reason: 'Fewer false referrals, as agreed.' },
    ]);
    expect(page.pendingThreshold).toBeNull();
    expect(page.saved).toBe('threshold');
    expect(page.savedError).toBeNull();
    expect(page.threshold).toBe('25');
  });

  it('saves the clinic with a new logo, keeps the logo when none is chosen, and stops watching on an empty folder', async () => {
    const page = new SettingsState();
    await page.load();
    expect([page.clinicName, page.paperSize, page.watchFolder]).toEqual(['North Eye Clinic', 'A4', '']);
    page.paperSize = 'Letter';
    await page.saveClinic();
    expect(calls.at(-1)).toEqual([
      'settings:update',
      { clinic: { name: 'North Eye Clinic', address: '1 High Street', paperSize: 'Letter' } },
    ]);
    const logo = new Uint8Array([1, 2]);
    await page.saveClinic(logo);
    expect((calls.at(-1)![1] as { clinic: { logo: Uint8Array } }).clinic.logo).toBe(logo);
    await page.saveWatchFolder('  ');
    expect(calls.at(-1)).toEqual(['settings:update', { watchFolder: null }]);
  });
});
