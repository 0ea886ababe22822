import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Channel, ReviewQueueItem } from '$contract/index.ts';

const submitted: unknown[] = [];
let queue: ReviewQueueItem[];
vi.mock('../lib/api.ts', () => ({
  messageOf: (e: unknown) => (e instanceof Error ? e.message : String(e)),
  call: vi.fn(async (channel: Channel, input: unknown) => {
    if (channel === 'reviews:queue') return queue;
    if (channel === 'reviews:submit') {
      submitted.push(input);
      const { resultId } = input as { resultId: number };
      queue = queue.filter((item) => item.image.result?.id !== resultId);
      return {};
    }
    throw new Error(`unexpected ${channel}`);
  }),
}));

const { ReviewState } = await import('./review.svelte.ts');

function item(
  resultId: number,
  grade: number | null,
  flag?: { p: number; threshold: number },
): ReviewQueueItem {
  return {
    patient: { id: 1, clinicId: '10', name: 'Ann' },
    visitId: 1,
    visitDate: '2026-11-27',
    referable: false,
    image: {
      id: resultId,
      eye: 'OD',
      result: {
        id: resultId,
        grade,
        quality: { gradable: grade !== null, reasons: grade === null ? ['blurred'] : [], metrics: {} },
        referableProbability: flag?.p ?? null,
        referableThreshold: flag?.threshold ?? null,
      },
    },
  } as unknown as ReviewQueueItem;
}

beforeEach(() => {
  submitted.length = 0;
  queue = [item(1, 2), item(2, 0), item(3, null)];
});

describe('review queue', () => {
  it('accepts the model grade as the signed-in clinician, and needs a reason to override', async () => {
    const review = new ReviewState({ onResultsChanged: () => {} });
    await review.load();
    await review.accept();
    // No name is sent: the main process records the signed-in clinician.
    expect(submitted).toEqual([{ resultId: 1, grade: 2, seenReviewId: null }]);
    expect(review.items).toHaveLength(2);

    review.setGrade(3);
    expect(review.isOverride).toBe(true);
    await review.save();
    expect(review.error).toMatch(/reason/);
    review.reason = 'Neovascularisation at the disc missed';
    await review.save();
    expect(submitted[1]).toEqual({
      resultId: 2,
      grade: 3,
      seenReviewId: null,
      reason: 'Neovascularisation at the disc missed',
    });
    // The decision is cleared for the next result.
    expect(review.grade).toBeUndefined();
    expect(review.reason).toBe('');
  });

  it('skips with next (the result stays queued) and confirms an ungradable photo', async () => {
    const review = new ReviewState({ onResultsChanged: () => {} });
    await review.load();
    review.next();
    expect(review.current?.image.result?.id).toBe(2);
    review.next();
    review.setGrade(null);
    expect(review.isOverride).toBe(false);
    await review.save();
    expect(submitted).toEqual([{ resultId: 3, grade: null, seenReviewId: null }]);
    expect(review.items.map((i) => i.image.result?.id)).toEqual([1, 2]);
  });

  describe('keyboard', () => {
    const key = { inField: false, onButton: false, repeat: false, modifier: false };
    let clock = 0;
    const settled = () => (clock += 1000);
    const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
    const make = async () => {
      const review = new ReviewState({ onResultsChanged: () => {} }, () => clock);
      await review.load();
      settled();
      return review;
    };

    it('moves focus to the reason after u, so typing "bad" there never accepts the model’s grade', async () => {
      const review = await make();
      expect(review.handleKey('u', key)).toBe('focus-reason');
      // The letters land in the reason field: shortcuts never fire there.
      for (const letter of 'bad') expect(review.handleKey(letter, { ...key, inField: true })).toBe('ignored');
      expect(submitted).toEqual([]);
      // And `a` with another grade chosen does not silently accept the model's instead.
      expect(review.handleKey('a', key)).toBe('handled');
      expect(submitted).toEqual([]);
      expect(review.error).toMatch(/You chose another grade/);
      expect(review.grade).toBeNull();
    });

    it('clears a referable flag only with a reason: `a` on a flagged grade-0 eye asks for one', async () => {
      queue = [item(5, 0, { p: 0.098, threshold: 0.068 }), item(6, 0, { p: 0.01, threshold: 0.068 })];
      const review = await make();
      expect(review.handleKey('a', key)).toBe('focus-reason');
      await flush();
      expect(submitted).toEqual([]);
      expect(review.needsReason).toBe(true);
      expect(review.error).toMatch(/flagged this eye as referable/);
      review.reason = 'Dust on the lens, no lesion';
      expect(review.handleKey('Enter', key)).toBe('handled');
      await flush();
      expect(submitted).toEqual([
        { resultId: 5, grade: 0, seenReviewId: null, reason: 'Dust on the lens, no lesion' },
      ]);
      // An unflagged grade 0 is accepted on one key, as before.
      settled();
      review.handleKey('a', key);
      await flush();
      expect(submitted).toHaveLength(2);
    });

    it('never decides a result that was not on screen long enough, nor on a held key', async () => {
      const review = await make();
      review.handleKey('a', key);
      await flush();
      expect(submitted).toHaveLength(1);
      // The next result has just appeared: a second `a` right away is swallowed.
      expect(review.current?.image.result?.id).toBe(2);
      review.handleKey('a', key);
      expect(submitted).toHaveLength(1);
      settled();
      review.handleKey('a', { ...key, repeat: true });
      expect(submitted).toHaveLength(1);
      review.handleKey('a', key);
      await flush();
      expect(submitted).toHaveLength(2);
    });
  });
});
